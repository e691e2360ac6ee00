package imports

import (
	"testing"

	"github.com/sohoi/sohoi/internal/depcheck"
)

// The package is the pure half of imports: domain types and libraries,
// no service, no store, no HTTP. The half wired after issue 16 may build
// on it, never the other way round.
func TestImportsOnlyDomainTypesAndLibraries(t *testing.T) {
	depcheck.Only(t,
		"github.com/sohoi/sohoi/internal/members", "github.com/sohoi/sohoi/internal/civil",
		"github.com/sohoi/sohoi/internal/vntext", "github.com/sohoi/sohoi/internal/errs",
		"github.com/xuri/excelize/v2", "golang.org/x/text/",
	)
}
