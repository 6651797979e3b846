package generate

import (
	"context"
	"runtime"
	"sync"

	"github.com/ccconform/ccconform/types"
)

// Document returns the i-th document of kind k: a *types.User,
// *types.TextMessage, *types.RESTCall, ... as the generator's profile says.
// The same seed, options, kind and index give the same document.
func (g *Generator) Document(k types.Kind, i int) types.Document {
	s := g.src(string(k), i)
	doc := s.document(k)
	if s.sdk {
		doc = sdkView(doc)
	}
	return doc
}

func (s *src) document(k types.Kind) types.Document {
	switch k {
	case types.KindUser:
		at := s.epoch()
		u := s.user(s.person(at), at)
		u.AuthToken = s.token // as a create-user response has it
		return &u
	case types.KindGroup:
		at := s.epoch()
		gi := s.groupInfo(s.person(at).uid, at)
		g := s.group(gi, at, false)
		return &g
	case types.KindGroupMember:
		at := s.epoch()
		gi := s.groupInfo(s.person(at).uid, at)
		p := s.person(at)
		m := s.member(p, gi, s.between(max(gi.created, p.created), at), at)
		if s.sdk {
			m.GUID = gi.guid // the SDKs write the group's guid on every member
		}
		return &m
	case types.KindTextMessage:
		return s.textMessage()
	case types.KindMediaMessage:
		return s.mediaMessage()
	case types.KindCustomMessage:
		return s.customMessage()
	case types.KindAction:
		return s.action()
	case types.KindCall:
		return s.call()
	case types.KindConversation:
		return s.conversation()
	}
	return nil
}

// MixedKind returns the kind of the i-th document of a mix of every kind
// (--kind all): messages most often, as in real traffic.
func (g *Generator) MixedKind(i int) types.Kind {
	s := g.src("all", i)
	return pick(s, types.KindUser, types.KindGroup, types.KindGroupMember,
		types.KindTextMessage, types.KindTextMessage, types.KindTextMessage, types.KindTextMessage,
		types.KindMediaMessage, types.KindMediaMessage, types.KindCustomMessage,
		types.KindAction, types.KindCall, types.KindConversation)
}

// Item is one generated document, encoded.
type Item struct {
	Index int
	Kind  types.Kind
	JSON  []byte
	// Mutant labels a broken document; nil for a valid one.
	Mutant *Mutant
}

// Stream makes n documents of kind k ("" for a mix of every kind), broken
// ones when invalid is set, on every core, and calls emit with each in index
// order from the calling goroutine. It stops at the first error emit
// returns.
func (g *Generator) Stream(ctx context.Context, k types.Kind, n int, invalid bool, emit func(Item) error) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	workers := runtime.GOMAXPROCS(0)
	type job struct {
		i   int
		res chan Item
	}
	jobs := make(chan job, workers*8)
	order := make(chan job, workers*64)
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range jobs {
				j.res <- g.item(k, j.i, invalid)
			}
		}()
	}
	go func() {
		defer close(order)
		defer close(jobs)
		for i := 0; i < n; i++ {
			j := job{i, make(chan Item, 1)}
			select {
			case order <- j:
			case <-ctx.Done():
				return
			}
			select {
			case jobs <- j:
			case <-ctx.Done():
				j.res <- Item{}
				return
			}
		}
	}()
	var err error
	for j := range order {
		it := <-j.res
		if err == nil {
			if err = emit(it); err != nil {
				cancel()
			}
		}
	}
	wg.Wait()
	if err != nil {
		return err
	}
	return ctx.Err()
}

// item makes the i-th item of kind k (or of the mix).
func (g *Generator) item(k types.Kind, i int, invalid bool) Item {
	if k == "" {
		k = g.MixedKind(i)
	}
	if invalid {
		m := g.Mutant(k, i)
		return Item{Index: i, Kind: k, JSON: m.JSON, Mutant: &m}
	}
	b, err := g.encode(g.Document(k, i))
	if err != nil {
		panic("generate: encoding a generated document: " + err.Error())
	}
	return Item{Index: i, Kind: k, JSON: b}
}
