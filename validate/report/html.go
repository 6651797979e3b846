package report

import (
	"fmt"
	"html/template"
	"io"
	"sort"
	"strings"
	"time"

	"github.com/ccconform/ccconform/validate"
)

// htmlWriter writes one self-contained HTML page: no script, no network, no
// external asset, so that it opens the same in a browser and in a CI
// artifact viewer. The template escapes markup; what came from a payload
// also has its control characters made visible, and its long values cut.
// It keeps the violations (up to maxHTMLViolations) and writes the page at
// Close.
type htmlWriter struct {
	w       io.Writer
	entries []htmlEntry
	dropped int
}

// maxHTMLViolations bounds the violations a page lists; the counts cover
// them all.
const maxHTMLViolations = 5000

type htmlEntry struct {
	Rule, Kind, Location, Pointer, Message string
}

func (h *htmlWriter) Verdict(v validate.Verdict) error {
	kind := string(v.Kind)
	if kind == "" {
		kind = "unknown"
	} else {
		kind += " (" + string(v.Profile) + ")"
	}
	for _, x := range v.Violations {
		if len(h.entries) >= maxHTMLViolations {
			h.dropped++
			continue
		}
		h.entries = append(h.entries, htmlEntry{Rule: visible(x.Rule), Kind: visible(kind), Location: visible(v.Location.String()),
			Pointer: visible(validate.ShortenPointer(x.Pointer)), Message: visible(x.Message)})
	}
	return nil
}

// group is the violations of one rule, or of one kind.
type group struct {
	Name    string
	Entries []htmlEntry
}

func groupBy(entries []htmlEntry, key func(htmlEntry) string) []group {
	m := map[string][]htmlEntry{}
	for _, e := range entries {
		m[key(e)] = append(m[key(e)], e)
	}
	out := make([]group, 0, len(m))
	for k, es := range m {
		out = append(out, group{k, es})
	}
	sort.Slice(out, func(i, j int) bool {
		if len(out[i].Entries) != len(out[j].Entries) {
			return len(out[i].Entries) > len(out[j].Entries)
		}
		return out[i].Name < out[j].Name
	})
	return out
}

// heatRow is one field of the coverage heat map: the share of each kind's
// documents that had it, or -1 where the kind has no such field.
type heatRow struct {
	Field    string
	Required bool
	Cells    []heatCell
}

type heatCell struct {
	Share float64 // 0 to 1; -1: not a field of this kind
	Count int
}

type barRow struct {
	Label      string
	Count      int
	Width      int // percent of the largest
	Documented bool
}

type htmlData struct {
	Title        string
	Generated    string
	Summary      *Summary
	Rules        []barRow
	Kinds        []barRow
	ByRule       []group
	ByKind       []group
	Dropped      int
	Coverage     *validate.CoverageReport
	HeatKinds    []string
	Heat         []heatRow
	Pairs        []barRow
	Triggers     []barRow
	Parts        []partBlock
	Enums        []enumBlock
	NeverSeen    []string
	Undocumented []validate.Drift
}

// partBlock is one part of one webhook trigger: its entities, every
// documented field of its kind with its count, and the fields it never had
// that other triggers' entities at the same place had at times.
type partBlock struct {
	Title    string
	Entities int
	Seen     int
	Fields   []heatRow // one cell each
	Missing  []string
}

type enumBlock struct {
	Name string
	Bars []barRow
}

func bars(m map[string]int) []barRow {
	var out []barRow
	most := 1
	for _, n := range m {
		most = max(most, n)
	}
	for k, n := range m {
		out = append(out, barRow{Label: visible(k), Count: n, Width: n * 100 / most, Documented: true})
	}
	sort.Slice(out, func(i, j int) bool {
		return out[i].Count > out[j].Count || out[i].Count == out[j].Count && out[i].Label < out[j].Label
	})
	return out
}

func countBars(cs []validate.Count) []barRow {
	most := 1
	for _, c := range cs {
		most = max(most, c.Count)
	}
	out := make([]barRow, len(cs))
	for i, c := range cs {
		out[i] = barRow{Label: visible(validate.Shorten(c.Name)), Count: c.Count, Width: c.Count * 100 / most, Documented: c.Documented}
	}
	return out
}

func (h *htmlWriter) Close(s *Summary) error {
	d := htmlData{Title: "ccconform report", Generated: time.Now().UTC().Format("2006-01-02 15:04 UTC"), Summary: s,
		Rules: bars(s.ByRule), Kinds: bars(s.InvalidKind), Dropped: h.dropped,
		ByRule: groupBy(h.entries, func(e htmlEntry) string { return e.Rule }),
		ByKind: groupBy(h.entries, func(e htmlEntry) string { return e.Kind })}
	if c := s.Coverage; c != nil {
		d.Coverage = c
		index := map[string]int{}
		for _, k := range c.Kinds {
			d.HeatKinds = append(d.HeatKinds, k.Title())
		}
		for ki, k := range c.Kinds {
			for _, f := range k.Fields {
				i, ok := index[f.Pointer]
				if !ok {
					i = len(d.Heat)
					index[f.Pointer] = i
					row := heatRow{Field: f.Pointer, Cells: make([]heatCell, len(c.Kinds))}
					for j := range row.Cells {
						row.Cells[j].Share = -1
					}
					d.Heat = append(d.Heat, row)
				}
				d.Heat[i].Required = d.Heat[i].Required || f.Required
				d.Heat[i].Cells[ki] = heatCell{Share: float64(f.Count) / float64(max(k.Documents, 1)), Count: f.Count}
			}
			for _, e := range k.Enums {
				d.Enums = append(d.Enums, enumBlock{Name: k.Title() + " " + e.Pointer, Bars: countBars(e.Values)})
			}
			for _, u := range k.Undocumented {
				d.Undocumented = append(d.Undocumented, validate.Drift{Pointer: visible(validate.ShortenPointer(u.Pointer)), Count: u.Count, Sample: visible(u.Sample)})
			}
			if k.UndocumentedOther > 0 {
				d.Undocumented = append(d.Undocumented, validate.Drift{Pointer: fmt.Sprintf("%s: other paths, not listed past the least %d", k.Title(), validate.MaxUndocumentedPaths), Count: k.UndocumentedOther})
			}
		}
		sort.Slice(d.Heat, func(i, j int) bool { return d.Heat[i].Field < d.Heat[j].Field })
		d.Pairs = countBars(c.Pairs)
		d.Triggers = countBars(c.Triggers)
		missing := map[string][]string{}
		for _, g := range c.PartGaps() {
			missing[g.Title()] = g.Missing
		}
		for _, p := range c.Parts {
			b := partBlock{Title: visible(p.Title()), Entities: p.Entities, Missing: missing[p.Title()]}
			for _, f := range p.Fields {
				if f.Count > 0 {
					b.Seen++
				}
				b.Fields = append(b.Fields, heatRow{Field: f.Pointer, Required: f.Required,
					Cells: []heatCell{{Share: float64(f.Count) / float64(max(p.Entities, 1)), Count: f.Count}}})
			}
			d.Parts = append(d.Parts, b)
		}
		for _, n := range c.NeverSeen() {
			d.NeverSeen = append(d.NeverSeen, visible(n))
		}
	}
	return htmlPage.Execute(h.w, d)
}

var htmlPage = template.Must(template.New("report").Funcs(template.FuncMap{
	"pct": func(f float64) string { return fmt.Sprintf("%.0f%%", f*100) },
	"heat": func(f float64) template.CSS {
		if f < 0 {
			return "background:#f4f4f4;color:#bbb"
		}
		// From pale red (never seen) to green (always there).
		hue := int(f * 120)
		return template.CSS(fmt.Sprintf("background:hsl(%d,70%%,%d%%)", hue, 85-int(f*15)))
	},
	"width": func(n int) template.CSS { return template.CSS(fmt.Sprintf("width:%d%%", max(n, 1))) },
	"join":  strings.Join,
}).Parse(`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>{{.Title}}</title>
<style>
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:0;color:#1d2125;background:#fafbfc}
header{background:#24292f;color:#fff;padding:16px 24px}
header h1{margin:0;font-size:20px}
header p{margin:4px 0 0;color:#c9d1d9}
main{padding:16px 24px;max-width:1400px}
section{background:#fff;border:1px solid #d0d7de;border-radius:6px;padding:12px 16px;margin:16px 0}
h2{font-size:16px;margin:4px 0 12px}
.cards{display:flex;gap:12px;flex-wrap:wrap}
.card{border:1px solid #d0d7de;border-radius:6px;padding:8px 16px;min-width:120px;background:#fff}
.card b{display:block;font-size:24px}
.ok b{color:#1a7f37}.bad b{color:#cf222e}
table{border-collapse:collapse;width:100%}
th,td{border-bottom:1px solid #eaeef2;padding:4px 8px;text-align:left;vertical-align:top}
th{background:#f6f8fa;position:sticky;top:0}
td.n{text-align:right;font-variant-numeric:tabular-nums}
code{font:12px ui-monospace,SFMono-Regular,Menlo,monospace;background:#f6f8fa;padding:1px 4px;border-radius:4px}
.bar{display:flex;align-items:center;gap:8px}
.bar span{display:inline-block;height:12px;background:#0969da;border-radius:2px}
.bar.un span{background:#bf8700}
details{margin:6px 0}
summary{cursor:pointer;font-weight:600}
.heat td{text-align:center;font-size:12px;min-width:60px}
.heat td.f{text-align:left}
.muted{color:#57606a}
.req{font-size:11px;color:#57606a}
.banner{background:#fff8c5;border:1px solid #d4a72c;border-radius:6px;padding:8px 16px;margin:16px 0;font-weight:600}
</style>
</head>
<body>
<header><h1>ccconform report</h1><p>{{.Summary.Line}} · generated {{.Generated}}</p></header>
<main>
{{if .Summary.Interrupted}}<p class="banner" role="alert">Interrupted after {{.Summary.Documents}} documents: the report is partial.</p>{{end}}
<section>
<h2>Summary</h2>
<div class="cards">
<div class="card"><span>documents</span><b>{{.Summary.Documents}}</b></div>
<div class="card ok"><span>valid</span><b>{{.Summary.Valid}}</b></div>
<div class="card {{if .Summary.Invalid}}bad{{else}}ok{{end}}"><span>invalid</span><b>{{.Summary.Invalid}}</b></div>
<div class="card"><span>undocumented fields</span><b>{{.Summary.Undocumented}}</b></div>{{if .Summary.Suppressed}}<div class="card"><span>suppressed</span><b>{{range $r, $n := .Summary.Suppressed}}{{$r}} {{$n}} {{end}}</b></div>{{end}}
{{if .Summary.Errors}}<div class="card bad"><span>inputs not read</span><b>{{.Summary.Errors}}</b></div>{{end}}
</div>
</section>
{{if .Rules}}
<section>
<h2>Violations by rule</h2>
<table>{{range .Rules}}<tr><td><code>{{.Label}}</code></td><td class="n">{{.Count}}</td><td style="width:60%"><div class="bar"><span style="{{width .Width}}"></span></div></td></tr>{{end}}</table>
</section>
<section>
<h2>Invalid documents by kind</h2>
<table>{{range .Kinds}}<tr><td>{{.Label}}</td><td class="n">{{.Count}}</td><td style="width:60%"><div class="bar"><span style="{{width .Width}}"></span></div></td></tr>{{end}}</table>
</section>
<section>
<h2>Every violation, by rule</h2>
{{if .Dropped}}<p class="muted">The page lists the first 5000 violations; {{.Dropped}} more are counted above but not listed.</p>{{end}}
{{range .ByRule}}<details><summary><code>{{.Name}}</code> · {{len .Entries}}</summary>
<table><tr><th>where</th><th>kind</th><th>pointer</th><th>what</th></tr>{{range .Entries}}<tr><td><code>{{.Location}}</code></td><td>{{.Kind}}</td><td><code>{{.Pointer}}</code></td><td>{{.Message}}</td></tr>{{end}}</table>
</details>{{end}}
</section>
<section>
<h2>Every violation, by kind</h2>
{{range .ByKind}}<details><summary>{{.Name}} · {{len .Entries}}</summary>
<table><tr><th>where</th><th>rule</th><th>pointer</th><th>what</th></tr>{{range .Entries}}<tr><td><code>{{.Location}}</code></td><td><code>{{.Rule}}</code></td><td><code>{{.Pointer}}</code></td><td>{{.Message}}</td></tr>{{end}}</table>
</details>{{end}}
</section>
{{else}}
<section><h2>Violations</h2><p>None: every document conforms.</p></section>
{{end}}
{{with .Coverage}}
<section>
<h2>Coverage: the share of documents of each kind that had each documented field</h2>
<p class="muted">Green: always there; red: never seen; grey: not a field of that kind.</p>
<div style="overflow:auto;max-height:70vh">
<table class="heat"><tr><th>field</th>{{range $.HeatKinds}}<th>{{.}}</th>{{end}}</tr>
{{range $.Heat}}<tr><td class="f"><code>{{.Field}}</code>{{if .Required}} <span class="req">required</span>{{end}}</td>{{range .Cells}}<td style="{{heat .Share}}">{{if ge .Share 0.0}}{{pct .Share}}{{end}}</td>{{end}}</tr>
{{end}}</table>
</div>
</section>
<section>
<h2>Category and type</h2>
<table>{{range $.Pairs}}<tr><td><code>{{.Label}}</code>{{if not .Documented}} <span class="req">not in the model</span>{{end}}</td><td class="n">{{.Count}}</td><td style="width:60%"><div class="bar{{if not .Documented}} un{{end}}"><span style="{{width .Width}}"></span></div></td></tr>{{end}}</table>
</section>
{{if $.Triggers}}<section>
<h2>Webhook triggers</h2>
<table>{{range $.Triggers}}<tr><td><code>{{.Label}}</code>{{if not .Documented}} <span class="req">not a trigger CometChat names</span>{{end}}</td><td class="n">{{.Count}}</td><td style="width:60%"><div class="bar{{if not .Documented}} un{{end}}"><span style="{{width .Width}}"></span></div></td></tr>{{end}}</table>
</section>{{end}}
{{if $.Parts}}<section>
<h2>Webhook parts: the entities of each trigger's parts, and their fields</h2>
<p class="muted">Per trigger and part, the documented fields of the entity's kind with how many entities had each; in red, the fields never seen there that other triggers' entities at the same place (the same part, of the same kind) had at times.</p>
{{range $.Parts}}<details><summary><code>{{.Title}}</code>: {{.Entities}} entities, {{.Seen}} of {{len .Fields}} documented fields seen{{if .Missing}}; <span class="req">never seen here, seen elsewhere:</span> {{range .Missing}}<code>{{.}}</code> {{end}}{{end}}</summary>
<table class="heat"><tr><th>field</th><th>entities</th><th>share</th></tr>{{range .Fields}}{{$c := index .Cells 0}}<tr><td class="f"><code>{{.Field}}</code>{{if .Required}} <span class="req">required</span>{{end}}</td><td class="n">{{$c.Count}}</td><td style="{{heat $c.Share}}">{{pct $c.Share}}</td></tr>{{end}}</table></details>
{{end}}</section>{{end}}
<section>
<h2>Enum values</h2>
{{range $.Enums}}<details><summary>{{.Name}}</summary><table>{{range .Bars}}<tr><td><code>{{.Label}}</code>{{if not .Documented}} <span class="req">not in the model</span>{{end}}</td><td class="n">{{.Count}}</td><td style="width:60%"><div class="bar{{if not .Documented}} un{{end}}"><span style="{{width .Width}}"></span></div></td></tr>{{end}}</table></details>
{{end}}
</section>
<section>
<h2>Undocumented fields seen</h2>
{{if $.Undocumented}}<table><tr><th>pointer</th><th>times</th><th>first seen</th></tr>{{range $.Undocumented}}<tr><td><code>{{.Pointer}}</code></td><td class="n">{{.Count}}</td><td><code>{{.Sample}}</code></td></tr>{{end}}</table>{{else}}<p>None.</p>{{end}}
</section>
<section>
<h2>Never seen ({{len $.NeverSeen}})</h2>
<details><summary>fields, values and category/type pairs no document had</summary><ul>{{range $.NeverSeen}}<li><code>{{.}}</code></li>{{end}}</ul></details>
</section>
{{end}}
</main>
</body>
</html>
`))
