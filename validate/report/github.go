package report

import (
	"bufio"
	"fmt"
	"io"
	"strings"

	"github.com/ccconform/ccconform/validate"
)

// githubWriter writes GitHub Actions workflow commands: an error annotation
// per violation, with the file and line where the input is a file. Each is
// one line: what came from a payload has its control characters made
// visible first, then GitHub's own escapes apply (% and line breaks in the
// message; also : and , in properties).
type githubWriter struct {
	w  io.Writer
	bw *bufio.Writer
}

var (
	ghData = strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A")
	ghProp = strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C")
)

func (g *githubWriter) Verdict(v validate.Verdict) error {
	if g.bw == nil {
		g.bw = bufio.NewWriter(g.w)
	}
	var props []string
	if src := v.Location.Source; src != "-" && !strings.Contains(src, "://") {
		props = append(props, "file="+ghProp.Replace(visible(src)))
		if v.Location.Line > 0 {
			props = append(props, fmt.Sprintf("line=%d", v.Location.Line))
		}
	}
	kind := string(v.Kind)
	if kind == "" {
		kind = "document"
	}
	for _, x := range v.Violations {
		title := fmt.Sprintf("ccconform %s [%s]", kind, x.Rule)
		p := append(props[:len(props):len(props)], "title="+ghProp.Replace(visible(title)))
		fmt.Fprintf(g.bw, "::error %s::%s\n", strings.Join(p, ","), ghData.Replace(visible(v.Location.String()+": "+x.String())))
	}
	return nil
}

func (g *githubWriter) Close(s *Summary) error {
	if g.bw == nil {
		g.bw = bufio.NewWriter(g.w)
	}
	fmt.Fprintf(g.bw, "::notice title=ccconform::%s\n", ghData.Replace(s.Line()))
	if s.Interrupted {
		fmt.Fprintf(g.bw, "::warning title=ccconform::%s\n", ghData.Replace(s.partial()))
	}
	return g.bw.Flush()
}
