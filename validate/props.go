package validate

// propTable finds a schema's property by a key's bytes. It is a perfect
// hash over the property names, found when the plan is compiled: a lookup
// is one multiply and one comparison, cheaper than a map's hash of the
// whole key, and it takes the key as bytes, so nothing is converted.
type propTable struct {
	mul   uint32
	shift uint32
	slots []propSlot
	// fallback holds the properties when no perfect hash was found (two
	// names that agree in length and in the bytes the hash reads).
	fallback map[string]prop
}

type propSlot struct {
	name string
	prop
	used bool
}

// keyMix folds the bytes of a key the hash reads: its length, first, middle
// and last bytes.
func keyMix(k []byte) uint32 {
	n := len(k)
	if n == 0 {
		return 0
	}
	return uint32(n) | uint32(k[0])<<8 | uint32(k[n/2])<<16 | uint32(k[n-1])<<24
}

// newPropTable builds the table for props.
func newPropTable(props map[string]prop) propTable {
	if len(props) == 0 {
		return propTable{}
	}
	bits := uint32(1)
	for 1<<bits < 2*len(props) {
		bits++
	}
	// Multipliers from a fixed sequence, so that compiling is
	// deterministic; a handful of sizes, each tried with many of them.
	for ; bits <= 12; bits++ {
		size := 1 << bits
		x := uint32(0x9E3779B1)
	try:
		for range 256 {
			x = x*1664525 + 1013904223
			mul := x | 1
			slots := make([]propSlot, size)
			for name, pr := range props {
				h := (keyMix([]byte(name)) * mul) >> (32 - bits)
				if slots[h].used {
					continue try
				}
				slots[h] = propSlot{name: name, prop: pr, used: true}
			}
			return propTable{mul: mul, shift: 32 - bits, slots: slots}
		}
	}
	return propTable{fallback: props}
}

// get returns the property named key, if the schema has it.
func (pt *propTable) get(key []byte) (prop, bool) {
	if pt.fallback != nil {
		pr, ok := pt.fallback[string(key)]
		return pr, ok
	}
	if len(pt.slots) == 0 {
		return prop{}, false
	}
	s := &pt.slots[(keyMix(key)*pt.mul)>>pt.shift]
	if s.used && s.name == string(key) {
		return s.prop, true
	}
	return prop{}, false
}
