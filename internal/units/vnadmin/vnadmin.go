// Package vnadmin carries Vietnam's official administrative trees inside
// the binary, so that `sohoi seed units` needs no file beside it. The files
// are public data of the General Statistics Office as collected by the
// dvhcvn project (MIT; see README.md and LICENSE beside them), kept
// unchanged but gzip-compressed: they shrink from 4 MB to 0.2 MB.
package vnadmin

import (
	"compress/gzip"
	"embed"
	"fmt"
	"io"
	"sort"
	"strings"
)

//go:embed *.json.gz
var files embed.FS

// Tree names one official tree: the month its data describes.
type Tree string

const (
	// Before2025Reform is the three-level tree of 2025-03: 63 provinces,
	// 696 districts, 10,047 communes.
	Before2025Reform Tree = "2025-03"
	// After2025Reform is the two-level tree in force since 2025-07-01:
	// 34 provinces and 3,321 communes directly under them.
	After2025Reform Tree = "2025-07"
	// Current is the tree in force today.
	Current = After2025Reform
)

var fileOf = map[Tree]string{
	Before2025Reform: "vn-admin-units-2025-03.json.gz",
	After2025Reform:  "vn-admin-units-2025-07-merges.json.gz",
}

// Trees lists the trees carried, oldest first.
func Trees() []Tree {
	out := make([]Tree, 0, len(fileOf))
	for t := range fileOf {
		out = append(out, t)
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}

// Open returns the uncompressed JSON of a tree, in the shape
// units.ParseAdminAreas reads.
func Open(t Tree) (io.ReadCloser, error) {
	name, ok := fileOf[t]
	if !ok {
		names := make([]string, 0, len(fileOf))
		for _, t := range Trees() {
			names = append(names, string(t))
		}
		return nil, fmt.Errorf("no administrative tree %q (carried: %s)", t, strings.Join(names, ", "))
	}
	f, err := files.Open(name)
	if err != nil {
		return nil, err
	}
	z, err := gzip.NewReader(f)
	if err != nil {
		f.Close()
		return nil, err
	}
	return readCloser{z, f}, nil
}

// readCloser closes the gzip stream and the embedded file under it.
type readCloser struct {
	*gzip.Reader
	f io.Closer
}

func (r readCloser) Close() error {
	err := r.Reader.Close()
	if ferr := r.f.Close(); err == nil {
		err = ferr
	}
	return err
}
