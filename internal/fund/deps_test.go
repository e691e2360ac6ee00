package fund

import (
	"testing"

	"github.com/sohoi/sohoi/internal/depcheck"
)

// The package is the pure fund ledger: domain types and the standard
// library, no service, no store, no HTTP. The stores and handlers that
// follow build on it, never the other way round.
func TestImportsOnlyDomainTypesAndLibraries(t *testing.T) {
	depcheck.Only(t,
		"github.com/sohoi/sohoi/internal/errs", "github.com/sohoi/sohoi/internal/unitpath",
		"github.com/sohoi/sohoi/internal/civil", "github.com/sohoi/sohoi/internal/vntext",
		"github.com/sohoi/sohoi/internal/page",
	)
}
