package importjobs_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"fmt"
	"slices"
	"testing"

	"github.com/sohoi/sohoi/internal/access"
	"github.com/sohoi/sohoi/internal/civil"
	"github.com/sohoi/sohoi/internal/errs"
	"github.com/sohoi/sohoi/internal/importjobs"
	"github.com/sohoi/sohoi/internal/imports"
	"github.com/sohoi/sohoi/internal/members"
	"github.com/sohoi/sohoi/internal/page"
	"github.com/sohoi/sohoi/internal/servicetest"
	"github.com/sohoi/sohoi/internal/units"
)

// roll is the file's rows, and what each must come to on a store that
// holds Trần Thị Bình (CH01, 1970) and Lê Văn Cường (CH01, ID 001075000111).
var roll = []struct {
	cells []string
	want  imports.Action
	field string // of the error
}{
	{[]string{"1", "Nguyễn Văn An", "05/09/1985", "Nam", "001085012345", "0912345678", "CH01"}, imports.Create, ""},
	{[]string{"2", "Phạm Thị Hoa", "31/02/1990", "Nữ", "", "", "CH01"}, imports.Error, "birthDate"},
	{[]string{"3", "Hoàng Văn Dũng", "12/12/1980", "Nam", "12345", "", "CH02"}, imports.Error, "nationalId"},
	{[]string{"4", "", "01/01/1980", "Nam", "", "", "CH02"}, imports.Error, "fullName"},
	{[]string{"5", "Vũ Thị Lan", "02/03/1992", "Nữ", "", "", "CH99"}, imports.Error, "branchCode"},
	{[]string{"6", "Trần Thị Bình", "1970", "Nữ", "", "", "CH02"}, imports.Question, ""},
	{[]string{"7", "Lê Văn Cường", "07/06/1975", "Nam", "001075000111", "0987654321", "CH01"}, imports.Update, ""},
	{[]string{"8", "Đỗ Thị Mai", "15/08/1995", "Nữ", "001195000222", "", "Đơn vị CH02"}, imports.Create, ""},
	{[]string{"9", "Bùi Văn Tú", "1990", "Nam", "", "", "CH02"}, imports.Error, "birthDate"},
}

func rollRows() [][]string {
	var out [][]string
	for _, r := range roll {
		out = append(out, r.cells)
	}
	return out
}

type fixture struct {
	s        *servicetest.Services
	commune  *units.Unit
	ch01     *units.Unit
	ch02     *units.Unit
	binh     *members.Member
	cuong    *members.Member
	editor   *access.Caller
	startLen int
}

func newFixture(t *testing.T) *fixture { return newFixtureOn(t, servicetest.Open) }

// newFixtureOn is newFixture on the store open makes.
func newFixtureOn(t *testing.T, open func(testing.TB) *servicetest.Services) *fixture {
	s := open(t)
	p := s.Unit(t, units.RootID, units.Province, "34")
	c := s.Unit(t, s.Unit(t, p.ID, units.District, "336").ID, units.Commune, "12436")
	f := &fixture{s: s, commune: c, ch01: s.Unit(t, c.ID, units.Branch, "CH01"), ch02: s.Unit(t, c.ID, units.Branch, "CH02")}
	ctx := context.Background()
	var err error
	f.binh, err = s.Members.Create(ctx, servicetest.Sys, f.ch01.ID, members.Input{FullName: "Trần Thị Bình", Gender: members.Female,
		BirthDate: civil.MustParse("1970-03-04"), JoinedOn: civil.MustParse("2010-01-01")})
	if err != nil {
		t.Fatal(err)
	}
	f.cuong, err = s.Members.Create(ctx, servicetest.Sys, f.ch01.ID, members.Input{FullName: "Lê Văn Cường", Gender: members.Male,
		BirthDate: civil.MustParse("1975-06-07"), NationalID: "001075000111", JoinedOn: civil.MustParse("2010-01-01")})
	if err != nil {
		t.Fatal(err)
	}
	f.editor = s.Caller(t, access.Editor, c)
	f.startLen = len(f.roll(t))
	return f
}

// roll is every member of the commune.
func (f *fixture) roll(t *testing.T) []*members.Member {
	t.Helper()
	res, err := f.s.Members.List(context.Background(), servicetest.Sys, f.commune.ID, "", members.Query{Page: page.Request{Limit: page.MaxLimit}})
	if err != nil {
		t.Fatal(err)
	}
	return res.Items
}

// run imports data and returns every row's result.
func (f *fixture) run(t *testing.T, svc *importjobs.Service, data []byte, dry bool) ([]importjobs.RowResult, importjobs.Summary) {
	t.Helper()
	var rows []importjobs.RowResult
	sum, err := svc.Run(context.Background(), f.editor, importjobs.Request{UnitID: f.commune.ID, DryRun: dry}, bytes.NewReader(data),
		func(_ context.Context, rs []importjobs.RowResult, _ importjobs.Summary) error {
			rows = append(rows, rs...)
			return nil
		})
	if err != nil {
		t.Fatal(err)
	}
	return rows, sum
}

func TestImportsRealShapedFiles(t *testing.T) {
	formats := []struct {
		name     string
		make     func(*testing.T, [][]string) []byte
		firstRow int // the spreadsheet's number of the first data row
		encoding string
	}{
		{"CSV UTF-8 with BOM", csvBOM, 2, "UTF-8 with BOM"},
		{"CSV Windows-1258", csv1258, 2, "Windows-1258"},
		{"XLSX with title rows", xlsxTitled, 4, "XLSX"},
		{"NDJSON", ndjson, 1, "UTF-8"},
	}
	for _, st := range stores {
		for _, ft := range formats {
			t.Run(st.name+"/"+ft.name, func(t *testing.T) {
				f := newFixtureOn(t, st.open)
				data := ft.make(t, rollRows())
				svc := f.s.Imports.WithBatch(3) // three batches

				dry, sum := f.run(t, svc, data, true)
				if got := len(f.roll(t)); got != f.startLen {
					t.Fatalf("the dry run wrote: %d members, want %d", got, f.startLen)
				}
				if sum.Encoding != ft.encoding {
					t.Fatalf("encoding %q, want %q", sum.Encoding, ft.encoding)
				}
				checkRows(t, dry, ft.firstRow, f)

				real, sum := f.run(t, svc, data, false)
				checkRows(t, real, ft.firstRow, f)
				for i := range real {
					if real[i].Decision != dry[i].Decision || (dry[i].MemberID != "" && real[i].MemberID != dry[i].MemberID) {
						t.Fatalf("row %d: the real run did %s %s, the dry run said %s %s", real[i].Row, real[i].Decision, real[i].MemberID,
							dry[i].Decision, dry[i].MemberID)
					}
				}
				if sum.Created != 2 || sum.Updated != 1 || sum.Questions != 1 || sum.Failed != 5 || sum.Processed != len(roll) {
					t.Fatalf("summary %+v", sum)
				}
				after := f.roll(t)
				if len(after) != f.startLen+2 {
					t.Fatalf("%d members after the import, want %d", len(after), f.startLen+2)
				}
				cuong, err := f.s.Members.Get(context.Background(), servicetest.Sys, f.cuong.ID)
				if err != nil || cuong.Phone != "0987654321" {
					t.Fatalf("Cường after the import: %+v, %v", cuong, err)
				}
				for i, r := range real {
					if r.Decision == imports.Create {
						m, err := f.s.Members.Get(context.Background(), servicetest.Sys, r.MemberID)
						if err != nil || m.FullName != roll[i].cells[1] {
							t.Fatalf("row %d created %+v, %v", r.Row, m, err)
						}
					}
				}
				checkCounts(t, f)

				again, _ := f.run(t, svc, data, false)
				for i, r := range again {
					want := roll[i].want
					if want == imports.Create || want == imports.Update {
						want = imports.Unchanged
					}
					if r.Decision != want {
						t.Fatalf("second run, row %d: %s %v, want %s", r.Row, r.Decision, r.Errors, want)
					}
				}
				if got := len(f.roll(t)); got != f.startLen+2 {
					t.Fatalf("the second run changed the roll: %d members", got)
				}
			})
		}
	}
}

// checkRows holds results to the roll's wants, in file order and numbered
// as the spreadsheet numbers them.
func checkRows(t *testing.T, rows []importjobs.RowResult, first int, f *fixture) {
	t.Helper()
	if len(rows) != len(roll) {
		t.Fatalf("%d rows, want %d", len(rows), len(roll))
	}
	for i, r := range rows {
		w := roll[i]
		if r.Row != first+i || r.Decision != w.want {
			t.Fatalf("row %d (%d): %s %+v, want %s", r.Row, first+i, r.Decision, r.Errors, w.want)
		}
		if w.want == imports.Error && (len(r.Errors) == 0 || r.Errors[0].Field != w.field) {
			t.Fatalf("row %d: errors %+v, want one on %s", r.Row, r.Errors, w.field)
		}
		if w.want == imports.Question && (len(r.Candidates) != 1 || r.Candidates[0].MemberID != f.binh.ID) {
			t.Fatalf("row %d: candidates %+v, want Bình", r.Row, r.Candidates)
		}
		if w.want == imports.Update && (r.MemberID != f.cuong.ID || len(r.Changes) != 1 || r.Changes[0].Field != "phone") {
			t.Fatalf("row %d: update %+v", r.Row, r)
		}
	}
}

// checkCounts: the counters the batches kept equal a recount.
func checkCounts(t *testing.T, f *fixture) {
	t.Helper()
	rec, err := f.s.Rollups.Reconcile(context.Background(), servicetest.Sys, f.commune)
	if err != nil {
		t.Fatal(err)
	}
	if len(rec.Repairs) != 0 {
		t.Fatalf("the counters drifted: %+v", rec.Repairs)
	}
}

func TestRandomBytesAreRefusedAndChangeNothing(t *testing.T) {
	f := newFixture(t)
	junk := make([]byte, 4096)
	_, _ = rand.Read(junk)
	_, err := f.s.Imports.Run(context.Background(), f.editor, importjobs.Request{UnitID: f.commune.ID}, bytes.NewReader(junk), nil)
	if !errs.Is(err, errs.Validation) {
		t.Fatalf("got %v, want a validation error", err)
	}
	if len(f.roll(t)) != f.startLen {
		t.Fatal("random bytes changed the roll")
	}
}

// Batches of any size write the same: the file's own repeats are errors,
// so that a row never depends on a batch written before it.
func TestRepeatsWithinTheFileAreErrorsWhateverTheBatch(t *testing.T) {
	rows := [][]string{
		{"1", "Nguyễn Văn An", "05/09/1985", "Nam", "001085012345", "", "CH01"},
		{"2", "Nguyễn Văn An", "05/09/1985", "Nam", "001085012345", "", "CH01"},
		{"3", "Phan Thị Thu", "01/02/1990", "Nữ", "", "", "CH02"},
		{"4", "Phan Thị Thu", "01/02/1990", "Nữ", "", "", "CH02"},
	}
	for _, n := range []int{1, 2, 100} {
		t.Run(fmt.Sprint("batch ", n), func(t *testing.T) {
			f := newFixture(t)
			got, _ := f.run(t, f.s.Imports.WithBatch(n), csvBOM(t, rows), false)
			var acts []imports.Action
			for _, r := range got {
				acts = append(acts, r.Decision)
			}
			if want := []imports.Action{imports.Create, imports.Error, imports.Create, imports.Error}; !slices.Equal(acts, want) {
				t.Fatalf("got %v, want %v", acts, want)
			}
			if len(f.roll(t)) != f.startLen+2 {
				t.Fatalf("%d members", len(f.roll(t)))
			}
		})
	}
}

// An answer decides a question: "new" creates.
func TestAnAnswerDecidesAQuestion(t *testing.T) {
	f := newFixture(t)
	rows := [][]string{{"1", "Trần Thị Bình", "04/03/1970", "Nữ", "", "", "CH02"}}
	data := csvBOM(t, rows)
	got, _ := f.run(t, f.s.Imports, data, true)
	if got[0].Decision != imports.Question {
		t.Fatalf("unanswered: %s", got[0].Decision)
	}
	var res []importjobs.RowResult
	_, err := f.s.Imports.Run(context.Background(), f.editor, importjobs.Request{UnitID: f.commune.ID,
		Answers: map[int]imports.Answer{2: {New: true}}}, bytes.NewReader(data),
		func(_ context.Context, rs []importjobs.RowResult, _ importjobs.Summary) error {
			res = append(res, rs...)
			return nil
		})
	if err != nil || res[0].Decision != imports.Create {
		t.Fatalf("answered new: %+v, %v", res, err)
	}
	if len(f.roll(t)) != f.startLen+1 {
		t.Fatal("the answer created nobody")
	}
}
