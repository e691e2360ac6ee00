package servicetest_test

import (
	"testing"

	"github.com/sohoi/sohoi/internal/servicetest"
)

// Issue 20 on the embedded store (the same scenario runs on MongoDB in
// internal/store/mongo, TestRecordsScenario).
func TestRecordsScenario(t *testing.T) { servicetest.RecordsScenario(t, servicetest.Open(t)) }

// Issue 20's audit entries on the embedded store (on MongoDB:
// internal/store/mongo, TestRecordsAuditScenario).
func TestRecordsAuditScenario(t *testing.T) {
	servicetest.RecordsAuditScenario(t, servicetest.Open(t))
}
