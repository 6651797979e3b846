// Package suggest finds the name someone probably meant: a flag value, a
// kind, a webhook trigger.
package suggest

import "strings"

// maxLen bounds the names compared: edit distance costs the product of
// the lengths, and no name meant is longer.
const maxLen = 64

// Closest returns the one of names nearest to s, when it is near enough to
// be what was meant: the same but for case, or at most two edits away; ""
// otherwise.
func Closest(s string, names []string) string {
	if len(s) > maxLen {
		return ""
	}
	best, bestDist := "", 3
	for _, n := range names {
		if strings.EqualFold(s, n) {
			return n
		}
		if d := Distance(strings.ToLower(s), strings.ToLower(n)); d < bestDist {
			best, bestDist = n, d
		}
	}
	return best
}

// Distance counts the insertions, deletions, substitutions and
// transpositions that turn a into b.
func Distance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	d := make([][]int, len(ra)+1)
	for i := range d {
		d[i] = make([]int, len(rb)+1)
		d[i][0] = i
	}
	for j := range d[0] {
		d[0][j] = j
	}
	for i := 1; i <= len(ra); i++ {
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				d[i][j] = min(d[i][j], d[i-2][j-2]+1)
			}
		}
	}
	return d[len(ra)][len(rb)]
}
