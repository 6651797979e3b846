package validate

import (
	"encoding/json"
	"slices"
	"strconv"
)

// duplicateKeys returns the pointer of every member of data, a valid JSON
// text, whose key repeats an earlier key of the same object (compared after
// unescaping). Such a document means different things to different parsers:
// some keep the first value, most the last.
//
// When t holds data on a tape with no repeated key, there is none to find.
func duplicateKeys(data []byte, t *tape) []string {
	if t != nil && !t.hasDuplicateKeys() {
		return nil
	}
	type frame struct {
		obj  bool
		ptr  string
		key  string
		idx  int
		keys []string
		// set holds the keys once there are more than a few dozen: an
		// object of a million keys compared pairwise would take a
		// trillion comparisons.
		set map[string]bool
	}
	var (
		stack     []*frame
		dups      []string
		expectKey bool
	)
	child := func() string {
		if len(stack) == 0 {
			return ""
		}
		top := stack[len(stack)-1]
		if top.obj {
			return top.ptr + "/" + escape(top.key)
		}
		return top.ptr + "/" + strconv.Itoa(top.idx)
	}
	for i := 0; i < len(data); i++ {
		switch c := data[i]; c {
		case '{', '[':
			stack = append(stack, &frame{obj: c == '{', ptr: child()})
			expectKey = c == '{'
		case '}', ']':
			if len(stack) > 0 {
				stack = stack[:len(stack)-1]
			}
			expectKey = false
		case ',':
			if len(stack) > 0 {
				top := stack[len(stack)-1]
				if top.obj {
					expectKey = true
				} else {
					top.idx++
				}
			}
		case '"':
			start, escaped := i, false
			for i++; i < len(data) && data[i] != '"'; i++ {
				if data[i] == '\\' {
					escaped = true
					i++
				}
			}
			if !expectKey || len(stack) == 0 {
				continue
			}
			expectKey = false
			key := string(data[start+1 : min(i, len(data))])
			if escaped {
				_ = json.Unmarshal(data[start:min(i+1, len(data))], &key)
			}
			top := stack[len(stack)-1]
			top.key = key
			if top.set == nil && len(top.keys) == 32 {
				top.set = make(map[string]bool, 64)
				for _, k := range top.keys {
					top.set[k] = true
				}
				top.keys = nil
			}
			if top.set != nil {
				if top.set[key] {
					dups = append(dups, child())
				}
				top.set[key] = true
				continue
			}
			if slices.Contains(top.keys, key) {
				dups = append(dups, child())
			}
			top.keys = append(top.keys, key)
		}
	}
	return dups
}
