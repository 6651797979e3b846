package bytesize

import "testing"

func TestSet(t *testing.T) {
	for in, want := range map[string]int64{
		"1": 1, "65536": 65536, "64KiB": 64 << 10, "64k": 64 << 10, "16MiB": 16 << 20, "16 MB": 16 << 20,
		"2G": 2 << 30, "3gib": 3 << 30, "7B": 7,
	} {
		var b Size
		if err := b.Set(in); err != nil || int64(b) != want {
			t.Errorf("Set(%q) = %d, %v; want %d", in, b, err, want)
		}
	}
	for _, bad := range []string{"", "0", "-1", "12XB", "MiB", "1.5MiB", "1TiB", "9223372036854775807G", "4611686018427387905"} {
		var b Size
		if err := b.Set(bad); err == nil {
			t.Errorf("Set(%q) = %d, want an error", bad, b)
		}
	}
}

func TestString(t *testing.T) {
	for n, want := range map[Size]string{1: "1", 1024: "1KiB", 1536: "1536", 16 << 20: "16MiB", 3 << 30: "3GiB"} {
		if got := n.String(); got != want {
			t.Errorf("%d.String() = %q, want %q", int64(n), got, want)
		}
		var back Size
		if err := back.Set(n.String()); err != nil || back != n {
			t.Errorf("%q does not read back as %d", n.String(), int64(n))
		}
	}
}
