package main

import (
	"fmt"
	"os"
	"strings"

	"github.com/ccconform/ccconform/types"
	"github.com/ccconform/ccconform/validate"
)

// pairFlags gathers repeated NAME=FILE flags.
type pairFlags []string

func (p *pairFlags) String() string { return strings.Join(*p, ", ") }

func (p *pairFlags) Type() string { return "NAME=FILE" }

func (p *pairFlags) Set(v string) error {
	name, file, ok := strings.Cut(v, "=")
	if !ok || name == "" || file == "" {
		return fmt.Errorf("write NAME=FILE, as in location=schemas/location.json")
	}
	*p = append(*p, v)
	return nil
}

// customSchemas loads the custom schemas of .ccconform.json (the first found
// from the working directory up) and of the flags, which win. It returns
// nil when there are none.
func customSchemas(e *env, data, metadata pairFlags) (*validate.CustomSchemas, error) {
	cfg, err := loadConfig(e)
	if err != nil {
		return nil, err
	}
	return customSchemasFrom(e, cfg, data, metadata)
}

// loadConfig reads the .ccconform.json that applies to the working
// directory, or returns nil.
func loadConfig(e *env) (*validate.Config, error) {
	wd, _ := os.Getwd()
	cfg, err := validate.FindConfig(wd)
	if cfg != nil {
		// What a config changes should never come as a surprise.
		fmt.Fprintf(e.stderr, "ccconform: using %s\n", cfg.Path)
	}
	return cfg, err
}

// customSchemasFrom loads the custom schemas of cfg (nil for none) and of
// the flags, which win.
func customSchemasFrom(e *env, cfg *validate.Config, data, metadata pairFlags) (*validate.CustomSchemas, error) {
	dataFiles := map[string]string{}
	metaFiles := map[types.Kind]string{}
	if cfg != nil {
		for t, f := range cfg.CustomData {
			dataFiles[t] = f
		}
		for k, f := range cfg.Metadata {
			metaFiles[types.Kind(k)] = f
		}
	}
	for _, p := range data {
		t, f, _ := strings.Cut(p, "=")
		dataFiles[t] = f
	}
	for _, p := range metadata {
		k, f, _ := strings.Cut(p, "=")
		kind, err := types.ParseKind(k)
		if err != nil {
			return nil, fmt.Errorf("--metadata-schema: %v", err)
		}
		metaFiles[kind] = f
	}
	if len(dataFiles) == 0 && len(metaFiles) == 0 {
		return nil, nil
	}
	cs, err := validate.LoadCustomSchemas(dataFiles, metaFiles)
	if err != nil {
		return nil, err
	}

	return cs, nil
}
