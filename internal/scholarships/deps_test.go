package scholarships

import (
	"go/parser"
	"go/token"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// The package is the pure rules of awards: domain types and the standard
// library, no service, no store, no HTTP. The stores and handlers that
// follow build on it, never the other way round.
func TestImportsOnlyDomainTypesAndLibraries(t *testing.T) {
	allowed := []string{
		"github.com/sohoi/sohoi/internal/errs", "github.com/sohoi/sohoi/internal/unitpath",
		"github.com/sohoi/sohoi/internal/civil", "github.com/sohoi/sohoi/internal/vntext",
		"github.com/sohoi/sohoi/internal/page", "github.com/sohoi/sohoi/internal/fund",
	}
	files, _ := filepath.Glob("*.go")
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
			ok := !strings.Contains(strings.SplitN(path, "/", 2)[0], ".") // the standard library
			for _, a := range allowed {
				ok = ok || path == a || strings.HasSuffix(a, "/") && strings.HasPrefix(path, a)
			}
			if !ok {
				t.Errorf("%s imports %s", name, path)
			}
		}
	}
}
