// Package bytesize reads and writes a number of bytes as a command-line
// flag: plain (65536) or with a binary unit (64KiB, 16MiB, 1GiB; K, M, G, KB,
// MB, GB read as the same powers of two). Both command lines of the project,
// ccconform and ccconform-beam, spell sizes this way.
package bytesize

import (
	"fmt"
	"strconv"
	"strings"
)

// Size is a number of bytes. *Size is a flag.Value and a pflag.Value.
type Size int64

// String writes the size with the largest unit that divides it exactly.
func (b *Size) String() string {
	n := int64(*b)
	for _, u := range []struct {
		name string
		size int64
	}{{"GiB", 1 << 30}, {"MiB", 1 << 20}, {"KiB", 1 << 10}} {
		if n >= u.size && n%u.size == 0 {
			return fmt.Sprintf("%d%s", n/u.size, u.name)
		}
	}
	return fmt.Sprint(n)
}

// Type names the flag's value in help texts.
func (b *Size) Type() string { return "SIZE" }

// Set reads s: a positive number of bytes, or one with a unit.
func (b *Size) Set(s string) error {
	num := strings.TrimRight(s, "KMGiBkmgib")
	unit := strings.ToUpper(strings.TrimSpace(s[len(num):]))
	n, err := strconv.ParseInt(strings.TrimSpace(num), 10, 64)
	shift := map[string]uint{"": 0, "B": 0, "K": 10, "KB": 10, "KIB": 10, "M": 20, "MB": 20, "MIB": 20, "G": 30, "GB": 30, "GIB": 30}
	sh, ok := shift[unit]
	if err != nil || n <= 0 || !ok || n > (1<<62)>>sh {
		return fmt.Errorf("%q is not a size: give a positive number of bytes, or one with KiB, MiB or GiB (16MiB)", s)
	}
	*b = Size(n << sh)
	return nil
}
