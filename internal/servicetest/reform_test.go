package servicetest_test

import (
	"testing"

	"github.com/sohoi/sohoi/internal/servicetest"
)

// TestReformOfThaiBinhIntoHungYen runs issue 18's reform scenario on the
// whole of both provinces (servicetest.ReformScenario), on the embedded
// store; internal/store/mongo runs a slice of it on FerretDB.
func TestReformOfThaiBinhIntoHungYen(t *testing.T) {
	if testing.Short() {
		t.Skip("seeds two provinces")
	}
	servicetest.ReformScenario(t, servicetest.Open(t), servicetest.ReformSpec{Members: 1500})
}
