package main

import (
	"fmt"
	"strconv"
	"strings"
)

// byteSize is a flag of a number of bytes, written plain or with a unit
// (KiB, MiB, GiB; K, M, G, KB, MB, GB read as the same), as ccconform
// reads --max-document-bytes.
type byteSize int64

func (b *byteSize) String() string {
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

func (b *byteSize) Set(s string) error {
	num := strings.TrimRight(s, "KMGiBkmgib")
	unit := strings.ToUpper(strings.TrimSpace(s[len(num):]))
	n, err := strconv.ParseInt(strings.TrimSpace(num), 10, 64)
	bad := fmt.Errorf("%q is not a size: give a positive number of bytes, or one with KiB, MiB or GiB (64MiB)", s)
	if err != nil || n <= 0 {
		return bad
	}
	shift := map[string]uint{"": 0, "B": 0, "K": 10, "KB": 10, "KIB": 10, "M": 20, "MB": 20, "MIB": 20, "G": 30, "GB": 30, "GIB": 30}
	sh, ok := shift[unit]
	if !ok || n > (1<<62)>>sh {
		return bad
	}
	*b = byteSize(n << sh)
	return nil
}
