// Package depcheck holds a package to the imports it is meant to have: the
// pure domain packages (imports, learning, evidence, fund, scholarships)
// test with it that they import domain types and libraries only, never a
// service, a store or HTTP. Imported by tests only.
package depcheck

import (
	"go/parser"
	"go/token"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// Only fails t for every import of the non-test Go files in the current
// directory (the package under test) that is neither the standard library
// nor one of allowed; an allowed entry ending in "/" admits every package
// below it.
func Only(t testing.TB, allowed ...string) {
	t.Helper()
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(token.NewFileSet(), name, nil, parser.ImportsOnly)
		if err != nil {
			t.Fatal(err)
		}
		for _, imp := range f.Imports {
			path, _ := strconv.Unquote(imp.Path.Value)
			if !allowedImport(path, allowed) {
				t.Errorf("%s imports %s", name, path)
			}
		}
	}
}

func allowedImport(path string, allowed []string) bool {
	if !strings.Contains(strings.SplitN(path, "/", 2)[0], ".") { // the standard library
		return true
	}
	for _, a := range allowed {
		if path == a || strings.HasSuffix(a, "/") && strings.HasPrefix(path, a) {
			return true
		}
	}
	return false
}
