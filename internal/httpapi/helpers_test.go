package httpapi_test

import (
	"context"
	"testing"

	"github.com/sohoi/sohoi/internal/access"
	"github.com/sohoi/sohoi/internal/civil"
	"github.com/sohoi/sohoi/internal/units"
)

func unitsNew(code string) units.NewUnit {
	return units.NewUnit{Level: units.Branch, Name: "Chi hội " + code, Code: code}
}

func mustUnit(t *testing.T, e *env, id string) *units.Unit {
	t.Helper()
	u, err := e.app.Units.Get(context.Background(), access.System("test"), id)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func civilDate(t *testing.T, s string) civil.Date {
	t.Helper()
	d, err := civil.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}
