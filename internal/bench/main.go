// Command bench supports scripts/bench-validate: it writes benchmark corpora,
// runs the json.Valid floor, and measures a command's wall time and peak
// memory.
//
//	bench corpus -n 200000 -kinds text -invalid 0.05 -o corpus.ndjson -array corpus.json
//	bench floor corpus.ndjson
//	bench measure -- ccconform validate corpus.ndjson
//	bench paths corpus.ndjson
//	bench hostile -shape envelope|bignumbers|blank -mb 300 -o FILE
//	bench measure -stdin FILE -- ccconform validate -
package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/ccconform/ccconform/validate"
)

func main() {
	if len(os.Args) < 2 {
		fail("usage: bench corpus|floor|measure|row|paths ...")
	}
	switch os.Args[1] {
	case "corpus":
		corpus(os.Args[2:])
	case "floor":
		floor(os.Args[2:])
	case "measure":
		measure(os.Args[2:])
	case "row":
		row(os.Args[2:])
	case "paths":
		paths(os.Args[2:])
	case "hostile":
		hostile(os.Args[2:])
	default:
		fail("unknown subcommand " + os.Args[1])
	}
}

func fail(msg string) {
	fmt.Fprintln(os.Stderr, "bench:", msg)
	os.Exit(2)
}

// corpus writes n documents made from the fixtures, each with fresh ids,
// names and times, and a share of them broken in one of several ways.
func corpus(args []string) {
	fs := flag.NewFlagSet("corpus", flag.ExitOnError)
	n := fs.Int("n", 200000, "documents")
	kinds := fs.String("kinds", "text", "text (text messages only), mixed (every kind of fixtures/docs and fixtures/rest), sdk (the SDKs' objects of fixtures/sdk) or conversation (the conversations of fixtures/rest and fixtures/sdk)")
	invalid := fs.Float64("invalid", 0.05, "share of broken documents")
	out := fs.String("o", "corpus.ndjson", "NDJSON output")
	array := fs.String("array", "", "also write the documents as one JSON array here")
	fixtures := fs.String("fixtures", "fixtures", "the fixtures directory")
	seed := fs.Uint64("seed", 1, "random seed")
	fs.Parse(args)

	names := []string{"docs/textMessage-user-offline.json", "docs/textMessage-group-online.json"}
	globs := map[string][]string{
		"mixed":        {"docs/*.json", "rest/*.json"},
		"sdk":          {"sdk/*.json"},
		"conversation": {"rest/conversation-*.json", "sdk/conversation-*.json"},
	}[*kinds]
	if globs != nil {
		names = nil
	} else if *kinds != "text" {
		fail("unknown -kinds " + *kinds + ": use text, mixed, sdk or conversation")
	}
	for _, g := range globs {
		paths, _ := filepath.Glob(filepath.Join(*fixtures, g))
		for _, p := range paths {
			rel, _ := filepath.Rel(*fixtures, p)
			names = append(names, rel)
		}
	}
	var bases []map[string]any
	for _, name := range names {
		b, err := os.ReadFile(filepath.Join(*fixtures, name))
		if err != nil {
			fail(err.Error())
		}
		var m map[string]any
		dec := json.NewDecoder(bytes.NewReader(b))
		dec.UseNumber()
		if err := dec.Decode(&m); err != nil {
			fail(err.Error())
		}
		bases = append(bases, m)
	}
	r := rand.New(rand.NewPCG(*seed, 0))
	f, err := os.Create(*out)
	if err != nil {
		fail(err.Error())
	}
	w := bufio.NewWriterSize(f, 1<<20)
	var aw *bufio.Writer
	if *array != "" {
		af, err := os.Create(*array)
		if err != nil {
			fail(err.Error())
		}
		defer af.Close()
		aw = bufio.NewWriterSize(af, 1<<20)
		aw.WriteString("[\n")
	}
	words := strings.Fields("the team meets at noon to plan the next release and review open issues before lunch 🚀 ✅ café naïve 東京")
	for i := 0; i < *n; i++ {
		doc := clone(bases[r.IntN(len(bases))]).(map[string]any)
		vary(doc, r, i, words)
		if r.Float64() < *invalid {
			breakOne(doc, r)
		}
		b, _ := json.Marshal(doc)
		w.Write(b)
		w.WriteByte('\n')
		if aw != nil {
			if i > 0 {
				aw.WriteString(",\n")
			}
			aw.Write(b)
		}
	}
	if aw != nil {
		aw.WriteString("\n]\n")
		aw.Flush()
	}
	w.Flush()
	f.Close()
}

func clone(v any) any {
	switch x := v.(type) {
	case map[string]any:
		m := make(map[string]any, len(x))
		for k, c := range x {
			m[k] = clone(c)
		}
		return m
	case []any:
		a := make([]any, len(x))
		for i, c := range x {
			a[i] = clone(c)
		}
		return a
	}
	return v
}

// vary changes the id and the text, the latter in all of its places (an SDK
// media message's caption is one), so that the cross-field rules still
// hold.
func vary(doc map[string]any, r *rand.Rand, i int, words []string) {
	if _, ok := doc["id"]; ok {
		doc["id"] = strconv.Itoa(100000 + i)
	}
	var b strings.Builder
	for j, n := 0, 3+r.IntN(40); j < n; j++ {
		if j > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(words[r.IntN(len(words))])
	}
	text := b.String()
	for _, k := range []string{"text", "caption"} {
		if _, ok := doc[k]; ok {
			doc[k] = text
		}
	}
	if d, ok := doc["data"].(map[string]any); ok {
		if _, ok := d["text"]; ok {
			d["text"] = text
		}
	}
}

// breakOne breaks doc in one of the ways real payloads break.
func breakOne(doc map[string]any, r *rand.Rand) {
	switch r.IntN(4) {
	case 0:
		delete(doc, "id")
		delete(doc, "uid")
		delete(doc, "guid")
	case 1:
		if s, ok := doc["sender"].(map[string]any); ok {
			s["status"] = "away"
		} else {
			doc["receiverType"] = "GROUP"
		}
	case 2:
		doc["sentAt"] = json.Number("1547017662000")
		doc["createdAt"] = json.Number("1547017662000")
	case 3:
		delete(doc, "sender")
	}
}

// floor checks every line of a file with json.Valid on one core: the least
// any validator must do.
func floor(args []string) {
	if len(args) != 1 {
		fail("usage: bench floor FILE")
	}
	f, err := os.Open(args[0])
	if err != nil {
		fail(err.Error())
	}
	defer f.Close()
	br := bufio.NewReaderSize(f, 1<<20)
	valid, lines := 0, 0
	for {
		line, err := br.ReadSlice('\n')
		if len(bytes.TrimSpace(line)) > 0 {
			lines++
			if json.Valid(line) {
				valid++
			}
		}
		if err == bufio.ErrBufferFull {
			fail("line longer than 1 MiB")
		}
		if err != nil {
			break
		}
	}
	fmt.Printf("%d lines, %d valid JSON\n", lines, valid)
}

// measurement is what measure prints.
type measurement struct {
	Seconds    float64 `json:"seconds"`
	MaxRSSMB   float64 `json:"maxRSSMB"`
	Exit       int     `json:"exit"`
	CPUSeconds float64 `json:"cpuSeconds"`
}

// row prints a Markdown table row from a name, a document count, a byte
// count and what measure printed.
func row(args []string) {
	if len(args) != 4 {
		fail("usage: bench row NAME DOCS BYTES MEASUREMENT")
	}
	docs, _ := strconv.ParseFloat(args[1], 64)
	size, _ := strconv.ParseFloat(args[2], 64)
	var m measurement
	if err := json.Unmarshal([]byte(args[3]), &m); err != nil {
		fail("measurement: " + err.Error())
	}
	fmt.Printf("| %s | %.2f | %.0f | %.1f | %.0f | %d |\n", args[0], m.Seconds, docs/m.Seconds, size/m.Seconds/1e6, m.MaxRSSMB, m.Exit)
}

// measure runs a command and prints its wall time and peak resident memory
// as one JSON object on standard output; the command's own standard output
// is discarded, its standard error passed on.
func measure(args []string) {
	if len(args) > 0 && args[0] == "--" {
		args = args[1:]
	}
	if len(args) == 0 {
		fail("usage: bench measure -- COMMAND [ARGS...]")
	}
	var stdin string
	if len(args) > 1 && args[0] == "-stdin" {
		stdin, args = args[1], args[2:]
	}
	if len(args) > 0 && args[0] == "--" {
		args = args[1:]
	}
	cmd := exec.Command(args[0], args[1:]...)
	cmd.Stderr = os.Stderr
	if stdin != "" {
		f, err := os.Open(stdin)
		if err != nil {
			fail(err.Error())
		}
		defer f.Close()
		cmd.Stdin = f
	}
	start := time.Now()
	err := cmd.Run()
	wall := time.Since(start)
	status := 0
	if ee, ok := err.(*exec.ExitError); ok {
		status = ee.ExitCode()
	} else if err != nil {
		fail(err.Error())
	}
	ru := cmd.ProcessState.SysUsage().(*syscall.Rusage)
	b, _ := json.Marshal(measurement{Seconds: wall.Seconds(), MaxRSSMB: float64(ru.Maxrss) / 1024, Exit: status,
		CPUSeconds: time.Duration(ru.Utime.Nano() + ru.Stime.Nano()).Seconds()})
	fmt.Println(string(b))
}

// paths validates an NDJSON corpus and says how many documents the fast
// path decided, and how many valid ones took the slow path needlessly.
func paths(args []string) {
	if len(args) != 1 {
		fail("usage: bench paths corpus.ndjson")
	}
	f, err := os.Open(args[0])
	if err != nil {
		fail(err.Error())
	}
	defer f.Close()
	v, err := validate.New(validate.Options{})
	if err != nil {
		fail(err.Error())
	}
	valid := 0
	err = v.Stream(context.Background(), validate.Input{Name: args[0], R: f, Format: validate.FormatNDJSON}, func(vd validate.Verdict) error {
		if vd.OK() {
			valid++
		}
		return nil
	})
	if err != nil {
		fail(err.Error())
	}
	s := v.PathStats()
	fmt.Printf("%d documents, %d valid: the fast path decided %d; %d went to the reference, of which %d were valid (%.2f%% of valid documents took the slow path needlessly)\n",
		s.Fast+s.Reference, valid, s.Fast, s.Reference, s.ReferenceValid, 100*float64(s.ReferenceValid)/float64(max(valid, 1)))
}

// hostile writes the inputs of scripts/reliability: a REST envelope of
// users (its meta after its data), one user whose metadata is an array of
// numbers, or blank lines around two users; each about mb megabytes.
func hostile(args []string) {
	fs := flag.NewFlagSet("hostile", flag.ExitOnError)
	shape := fs.String("shape", "envelope", "envelope, bignumbers or blank")
	mb := fs.Int("mb", 100, "about this many megabytes")
	out := fs.String("o", "hostile.json", "output file")
	fs.Parse(args)
	f, err := os.Create(*out)
	if err != nil {
		fail(err.Error())
	}
	w := bufio.NewWriterSize(f, 1<<20)
	size := *mb << 20
	switch *shape {
	case "envelope":
		w.WriteString(`{"data":[`)
		for i, n := 0, 0; n < size; i++ {
			if i > 0 {
				w.WriteString(",\n")
			}
			k, _ := fmt.Fprintf(w, `{"uid":"user-%d","name":"User %d","status":"offline","role":"default","createdAt":1638354015,"lastActiveAt":1638354015,"metadata":{"n":%d}}`, i, i, i)
			n += k
		}
		w.WriteString(`],"meta":{"pagination":{"total":1,"count":1,"per_page":100,"current_page":1,"total_pages":1}}}`)
	case "bignumbers":
		w.WriteString(`{"uid":"big","name":"Big","status":"online","metadata":{"n":[`)
		for n := 0; n < size; n += 2 {
			w.WriteString("1,")
		}
		w.WriteString("1]}}\n")
	case "blank":
		w.WriteString(`{"uid":"a","name":"A","status":"online"}`)
		line := bytes.Repeat([]byte("\n"), 1<<20)
		for n := 0; n < size; n += len(line) {
			w.Write(line)
		}
		w.WriteString(`{"uid":"b","name":"B","status":"online"}` + "\n")
	default:
		fail("unknown shape " + *shape)
	}
	if err := w.Flush(); err != nil {
		fail(err.Error())
	}
	if err := f.Close(); err != nil {
		fail(err.Error())
	}
}
