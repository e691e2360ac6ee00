package httpapi_test

import (
	"context"
	"sync/atomic"
	"testing"

	"github.com/sohoi/sohoi/internal/app"
	"github.com/sohoi/sohoi/internal/rollups"
)

// markCounter counts the stale marks written, as the settler and reads
// would see them.
type markCounter struct {
	app.Store
	marks atomic.Int64
}

func (m *markCounter) MarkStale(ctx context.Context, marks []rollups.Mark) ([]rollups.Mark, error) {
	m.marks.Add(int64(len(marks)))
	return m.Store.MarkStale(ctx, marks)
}

// A change says what it changes: a correction of fields that count
// nowhere marks nothing, one of a counted field is counted.
func TestOnlyCountedFactsMark(t *testing.T) {
	var mc *markCounter
	e := newEnvOn(t, func(s app.Store) app.Store { mc = &markCounter{Store: s}; return mc })
	r := &roll{e: e}
	r.prov = e.mustUnit("root", "province", "34")
	r.a = e.mustUnit(r.prov.ID, "branch", "A")
	m := r.add(e.admin, r.a, map[string]any{"fullName": "Nguyễn Thị An", "gender": "female", "birthDate": "1960-05-01"})
	if mc.marks.Load() == 0 {
		t.Fatal("a create marked nothing")
	}
	marked := func(what string, body map[string]any, want bool) {
		t.Helper()
		before := mc.marks.Load()
		e.expect(e.do("PATCH", "/api/v1/members/"+m.ID, e.admin, body), 200)
		if got := mc.marks.Load() > before; got != want {
			t.Fatalf("%s: marked %v, want %v", what, got, want)
		}
	}
	marked("a phone", map[string]any{"phone": "0912345678"}, false)
	marked("an address", map[string]any{"address": "Số 1 Lý Thường Kiệt"}, false)
	marked("a spelling fix of the name", map[string]any{"fullName": "Nguyễn Thị Ân"}, false)
	marked("a birth date within its year", map[string]any{"birthDate": "1960-06-01"}, false)
	marked("the gender", map[string]any{"gender": "male"}, true)
	marked("the birth year", map[string]any{"birthDate": "1990-06-01"}, true)
	got := r.rollup(e.admin, r.prov.ID, "")
	if got.Totals.Male != 1 || got.Totals.Female != 0 || got.Totals.AgeBands["30to44"] != 1 {
		t.Fatalf("counted corrections not counted: %+v", got.Totals)
	}
}

func TestOnlyPostTermsMark(t *testing.T) {
	var mc *markCounter
	e := newEnvOn(t, func(s app.Store) app.Store { mc = &markCounter{Store: s}; return mc })
	r := &roll{e: e}
	r.prov = e.mustUnit("root", "province", "34")
	r.a = e.mustUnit(r.prov.ID, "branch", "A")
	an := r.add(e.admin, r.a, map[string]any{"fullName": "Nguyễn Thị An"})
	var post struct {
		ID string `json:"id"`
	}
	e.expect(e.do("POST", "/api/v1/units/"+r.a.ID+"/officers", e.admin, map[string]any{"memberId": an.ID, "position": "chair", "from": "2020-01-01"}), 201).decode(t, &post)
	before := mc.marks.Load()
	e.expect(e.do("PATCH", "/api/v1/officers/"+post.ID, e.admin, map[string]any{"termLabel": "Nhiệm kỳ 2020–2025"}), 200)
	if mc.marks.Load() != before {
		t.Fatal("a term label, which counts nowhere, marked counters")
	}
	e.expect(e.do("PATCH", "/api/v1/officers/"+post.ID, e.admin, map[string]any{"to": "2024-12-31"}), 200)
	if mc.marks.Load() == before {
		t.Fatal("the end of a term marked nothing")
	}
	if got := r.rollup(e.admin, r.prov.ID, "").Totals.Officers; got != 0 {
		t.Fatalf("officers after the term ended: %d, want 0", got)
	}
}
