package servicetest

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"image"
	"image/png"
	"io"
	"testing"

	"github.com/sohoi/sohoi/internal/access"
	"github.com/sohoi/sohoi/internal/audit"
	"github.com/sohoi/sohoi/internal/audit/trail"
	"github.com/sohoi/sohoi/internal/civil"
	"github.com/sohoi/sohoi/internal/counting"
	"github.com/sohoi/sohoi/internal/errs"
	"github.com/sohoi/sohoi/internal/evidence"
	"github.com/sohoi/sohoi/internal/fund"
	"github.com/sohoi/sohoi/internal/learning"
	"github.com/sohoi/sohoi/internal/page"
	"github.com/sohoi/sohoi/internal/records"
	"github.com/sohoi/sohoi/internal/scholarships"
	"github.com/sohoi/sohoi/internal/units"
)

// PDFBytes is a complete one-page PDF, as a scanner's is in form; note
// makes each one a different file.
func PDFBytes(note string) []byte {
	return []byte("%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n" +
		"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\ntrailer<</Root 1 0 R>>\n% " + note + "\n%%EOF\n")
}

// PNGBytes is a real small PNG image.
func PNGBytes(t testing.TB) []byte {
	var b bytes.Buffer
	if err := png.Encode(&b, image.NewGray(image.Rect(0, 0, 3, 2))); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// FamilyMet is every criterion of a learning family (family-387) met.
var FamilyMet = []learning.Assessment{
	{Criterion: "f1-plan", Met: true}, {Criterion: "f2-children-in-school", Met: true},
	{Criterion: "f3-adults-learning", Met: true}, {Criterion: "f4-books", Met: true},
	{Criterion: "f5-culture", Met: true, Note: "Gia đình văn hóa 2024"}, {Criterion: "f6-study-promotion", Met: false},
}

// FamilyEvidence are the criteria of family-387 that need evidence when met.
var FamilyEvidence = []string{"f2-children-in-school", "f3-adults-learning", "f5-culture"}

// RecordsScenario is issue 20's "done when" at the service level, on
// whatever store s runs: a family proposed with evidence, assessed and
// recognised; one refused without the evidence it needs; evidence
// deduplicated and streamed back byte-equal; a spoofed file refused; the
// fund's balance as of several days through a reversing correction; a
// scholarship paid from the fund; scope and roles (not found outside,
// forbidden beyond the role, reporters without records or evidence).
func RecordsScenario(t *testing.T, s *Services) {
	ctx := context.Background()
	p := s.Unit(t, units.RootID, units.Province, "34")
	d := s.Unit(t, p.ID, units.District, "336")
	c := s.Unit(t, d.ID, units.Commune, "12436")
	b := s.Unit(t, c.ID, units.Branch, "CH01")
	other := s.Unit(t, units.RootID, units.Province, "33")
	editor := s.Caller(t, access.Editor, b)
	commune := s.Caller(t, access.Manager, c)
	reporter := s.Caller(t, access.Reporter, p)
	outsider := s.Caller(t, access.Manager, other)
	year := 2025
	on := civil.Date{Year: year, Month: 3, Day: 2}
	R := s.Records

	upload := func(t *testing.T, id, criterion, name string, content []byte) (*learning.Recognition, *evidence.File, error) {
		t.Helper()
		return R.AttachEvidence(ctx, editor, id, records.Upload{Criterion: criterion, Name: name, Body: bytes.NewReader(content)}, 0)
	}
	var recognised *learning.Recognition
	var firstFile *evidence.File

	t.Run("a family proposed with evidence, assessed, recognised", func(t *testing.T) {
		r, err := R.Propose(ctx, editor, b.ID, records.Proposal{Kind: "family", Name: "Gia đình ông Đỗ Văn An", Year: year, ProposedOn: on})
		if err != nil || r.Status != learning.Proposed || r.Version != 1 {
			t.Fatalf("propose: %+v %v", r, err)
		}
		for i, cr := range FamilyEvidence {
			if r, firstFile, err = upload(t, r.ID, cr, "bien-ban.pdf", PDFBytes(cr)); err != nil {
				t.Fatalf("evidence %d: %v", i, err)
			}
		}
		if len(r.Evidence) != 3 || firstFile.ContentType != evidence.PDF {
			t.Fatalf("after the evidence: %+v %+v", r.Evidence, firstFile)
		}
		if _, err := R.Assess(ctx, editor, r.ID, FamilyMet, 0); !errs.Is(err, errs.Forbidden) {
			t.Fatalf("an editor assessing: %v", err)
		}
		if r, err = R.Assess(ctx, commune, r.ID, FamilyMet, 0); err != nil || r.Status != learning.Assessed {
			t.Fatalf("assess: %v", err)
		}
		if _, err := R.Recognise(ctx, commune, r.ID, records.Decision{ByUnit: d.ID, On: on.AddDays(30)}, 0); !errs.Is(err, errs.NotFound) {
			t.Fatalf("a commune manager deciding for the district above it: %v", err)
		}
		r, err = R.Recognise(ctx, commune, r.ID, records.Decision{ByUnit: c.ID, On: on.AddDays(30), Number: "15/QĐ-HKH"}, 0)
		if err != nil || r.Status != learning.Recognised || r.Decision.Level != units.Commune || r.Decision.ByUnit != c.ID {
			t.Fatalf("recognise: %+v %v", r, err)
		}
		recognised = r
		if _, err := R.Renew(ctx, editor, r.ID, on.AddDays(365)); err != nil {
			t.Fatalf("renew: %v", err)
		}
		if _, err := R.Renew(ctx, editor, r.ID, on.AddDays(366)); !errs.Is(err, errs.Conflict) {
			t.Fatalf("a second renewal: %v", err)
		}
	})
	t.Run("refused without the evidence its criteria require", func(t *testing.T) {
		r, err := R.Propose(ctx, editor, b.ID, records.Proposal{Kind: "family", Name: "Gia đình bà Lê Thị Hoa", Year: year, ProposedOn: on})
		if err != nil {
			t.Fatal(err)
		}
		if r, err = R.Assess(ctx, commune, r.ID, FamilyMet, 0); err != nil {
			t.Fatal(err)
		}
		_, err = R.Recognise(ctx, commune, r.ID, records.Decision{ByUnit: c.ID, On: on.AddDays(30)}, 0)
		var e *errs.Error
		if !errs.Is(err, errs.Validation) || !asErr(err, &e) || len(e.Fields) != 3 || e.Fields[0].Field != "criteria.f2-children-in-school" {
			t.Fatalf("recognising without evidence: %v", err)
		}
		r, err = R.Refuse(ctx, commune, r.ID, records.Decision{ByUnit: c.ID, On: on.AddDays(31), Reason: "Thiếu minh chứng"}, 0)
		if err != nil || r.Status != learning.Refused || r.Decision.Reason != "Thiếu minh chứng" {
			t.Fatalf("refuse: %+v %v", r, err)
		}
		if _, _, err := upload(t, r.ID, "f2-children-in-school", "x.pdf", PDFBytes("late")); !errs.Is(err, errs.Conflict) {
			t.Fatalf("evidence for a refused proposal: %v", err)
		}
	})
	t.Run("evidence deduplicated, streamed back byte-equal, a spoofed type refused", func(t *testing.T) {
		r, err := R.Propose(ctx, editor, b.ID, records.Proposal{Kind: "family", Name: "Gia đình ông Vũ Văn Nam", Year: year, ProposedOn: on})
		if err != nil {
			t.Fatal(err)
		}
		_, again, err := upload(t, r.ID, "f5-culture", "giay-chung-nhan.pdf", PDFBytes("f5-culture"))
		if err != nil || again.ID != firstFile.ID {
			t.Fatalf("the same bytes again: %+v (first %s) %v", again, firstFile.ID, err)
		}
		f, name, rc, err := R.OpenEvidence(ctx, editor, again.ID)
		if err != nil {
			t.Fatal(err)
		}
		got, err := io.ReadAll(rc)
		rc.Close()
		if err != nil || !bytes.Equal(got, PDFBytes("f5-culture")) || f.ContentType != evidence.PDF || name == "" {
			t.Fatalf("download: %q %s %v", name, f.ContentType, err)
		}
		if _, _, err := upload(t, r.ID, "f5-culture", "giay-khen.pdf", PNGBytes(t)); !errs.Is(err, errs.UnsupportedMedia) {
			t.Fatalf("PNG bytes named .pdf: %v", err)
		}
		if _, _, _, err := R.OpenEvidence(ctx, reporter, again.ID); !errs.Is(err, errs.Forbidden) {
			t.Fatalf("a reporter downloading evidence: %v", err)
		}
		if _, _, _, err := R.OpenEvidence(ctx, outsider, again.ID); !errs.Is(err, errs.NotFound) {
			t.Fatalf("another province downloading evidence: %v", err)
		}
	})
	t.Run("an upload over the size limit is refused without being stored", func(t *testing.T) {
		small := records.NewService(s.Store, s.Units, s.Members, counting.Uncounted, s.Rollups, audit.Unrecorded, s.Now,
			records.WithEvidencePolicy(evidence.Policy{MaxSize: 1000}))
		r, err := small.Propose(ctx, editor, b.ID, records.Proposal{Kind: "family", Name: "Gia đình ông Phạm Văn Tư", Year: year, ProposedOn: on})
		if err != nil {
			t.Fatal(err)
		}
		big := append(PDFBytes("big"), bytes.Repeat([]byte{'x'}, 2000)...)
		if _, _, err := small.AttachEvidence(ctx, editor, r.ID, records.Upload{Criterion: "f5-culture", Name: "big.pdf", Body: bytes.NewReader(big)}, 0); !errs.Is(err, errs.PayloadTooLarge) {
			t.Fatalf("2 kB under a 1 kB limit: %v", err)
		}
		sum := sha256.Sum256(big)
		if _, err := s.Store.GetFile(ctx, hex.EncodeToString(sum[:])); !errs.Is(err, errs.NotFound) {
			t.Fatalf("the refused upload was stored: %v", err)
		}
	})
	t.Run("every write is in the audit trail", func(t *testing.T) {
		for _, typ := range []string{audit.ObjRecognition, audit.ObjEvidence} {
			res, err := s.Trail.List(ctx, commune, trail.Filter{UnitID: c.ID, ObjectType: typ, Page: page.Request{Limit: 100}})
			if err != nil || len(res.Items) == 0 {
				t.Fatalf("%s entries: %d %v", typ, len(res.Items), err)
			}
		}
		res, _ := s.Trail.List(ctx, commune, trail.Filter{UnitID: c.ID, ObjectType: audit.ObjRecognition, ObjectID: recognised.ID, Page: page.Request{Limit: 100}})
		var actions []string
		for _, e := range res.Items {
			actions = append(actions, e.Action)
		}
		// newest first: recognised, assessed, three files attached, proposed
		if len(actions) != 6 || actions[0] != audit.Update || actions[5] != audit.Create {
			t.Fatalf("the recognised model's trail: %v", actions)
		}
	})
	t.Run("scope and roles", func(t *testing.T) {
		if _, err := R.Get(ctx, outsider, recognised.ID); !errs.Is(err, errs.NotFound) {
			t.Fatalf("another province: %v", err)
		}
		if _, err := R.Get(ctx, reporter, recognised.ID); !errs.Is(err, errs.Forbidden) {
			t.Fatalf("a reporter reading a record: %v", err)
		}
		if _, err := R.Propose(ctx, reporter, b.ID, records.Proposal{Kind: "family", Name: "X", Year: year}); !errs.Is(err, errs.Forbidden) {
			t.Fatalf("a reporter proposing: %v", err)
		}
		list, err := R.List(ctx, commune, c.ID, learning.Filter{Year: year}, page.Request{Limit: 10})
		if err != nil || len(list.Items) != 4 { // recognised, refused, the one with the deduplicated file, the one too large
			t.Fatalf("the commune's models of %d: %d %v", year, len(list.Items), err)
		}
	})
	t.Run("the fund: entries, a reversing correction, the balance as of several days, a scholarship paid from it", func(t *testing.T) {
		day := func(s string) civil.Date { return civil.MustParse(s) }
		in1, err := R.AddEntry(ctx, editor, b.ID, records.EntryInput{Date: day("2025-01-10"), Amount: 10_000_000, Direction: fund.In, Party: "Công ty TNHH Minh Phát", Receipt: "PT-01"})
		if err != nil {
			t.Fatal(err)
		}
		wrong, err := R.AddEntry(ctx, editor, b.ID, records.EntryInput{Date: day("2025-02-01"), Amount: 3_000_000, Direction: fund.In, Party: "Ông Nguyễn Văn Tâm", Receipt: "PT-02"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := R.AddEntry(ctx, commune, c.ID, records.EntryInput{Date: day("2025-01-20"), Amount: 2_000_000, Direction: fund.In, Party: "Hội viên", Receipt: "PT-01"}); err != nil {
			t.Fatal(err)
		}
		if _, err := R.Reverse(ctx, editor, wrong.ID, records.Reversal{Date: day("2025-02-15"), Note: "Nhập trùng phiếu"}); err != nil {
			t.Fatal(err)
		}
		if _, err := R.Reverse(ctx, editor, wrong.ID, records.Reversal{Date: day("2025-02-16"), Note: "again"}); !errs.Is(err, errs.Conflict) {
			t.Fatalf("a second reversal: %v", err)
		}
		pay, err := R.AddEntry(ctx, editor, b.ID, records.EntryInput{Date: day("2025-05-30"), Amount: 1_500_000, Direction: fund.Out, Party: "Học bổng vượt khó", Receipt: "PC-01"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := R.AddEntry(ctx, editor, b.ID, records.EntryInput{Date: day("2025-01-05"), Amount: 1, Direction: fund.Out, Party: "x", Receipt: "PC-02"}); !errs.Is(err, errs.Validation) {
			t.Fatalf("a payment before any money came in: %v", err)
		}
		for _, tc := range []struct {
			day          string
			own, commune int64
		}{
			{"2025-01-09", 0, 0},
			{"2025-01-10", 10_000_000, 10_000_000},
			{"2025-02-01", 13_000_000, 15_000_000},
			{"2025-02-14", 13_000_000, 15_000_000}, // the error, as reported before its correction
			{"2025-02-15", 10_000_000, 12_000_000},
			{"2025-05-30", 8_500_000, 10_500_000},
		} {
			bb, err := R.Balance(ctx, reporter, b.ID, day(tc.day))
			if err != nil || bb.Own != tc.own {
				t.Errorf("branch on %s: %+v %v, want %d", tc.day, bb, err, tc.own)
			}
			cb, err := R.Balance(ctx, reporter, c.ID, day(tc.day))
			if err != nil || cb.Subtree != tc.commune {
				t.Errorf("commune's subtree on %s: %+v %v, want %d", tc.day, cb, err, tc.commune)
			}
		}
		if _, err := R.ListEntries(ctx, reporter, b.ID, civil.Date{}, civil.Date{}, page.Request{Limit: 10}); !errs.Is(err, errs.Forbidden) {
			t.Fatalf("a reporter reading the ledger: %v", err)
		}
		if _, err := R.Balance(ctx, outsider, b.ID, civil.Date{}); !errs.Is(err, errs.NotFound) {
			t.Fatalf("another province's balance: %v", err)
		}
		student := scholarships.Student{Name: "Đỗ Thị Mai", School: "Trường THCS Đông Hưng", Level: scholarships.LowerSecondary, BirthYear: 2012}
		a, err := R.CreateAward(ctx, editor, b.ID, records.AwardInput{Date: pay.Date, Student: student, Amount: pay.Amount, FundEntry: pay.ID, Title: "Học bổng 2025"})
		if err != nil || a.FundEntry != pay.ID {
			t.Fatalf("award: %+v %v", a, err)
		}
		if _, err := R.CreateAward(ctx, editor, b.ID, records.AwardInput{Date: pay.Date, Student: student, Amount: pay.Amount, FundEntry: pay.ID}); !errs.Is(err, errs.Conflict) {
			t.Fatalf("a second award on the same payment: %v", err)
		}
		if _, err := R.CreateAward(ctx, editor, b.ID, records.AwardInput{Date: in1.Date, Student: student, Amount: in1.Amount, FundEntry: in1.ID}); !errs.Is(err, errs.Validation) {
			t.Fatalf("an award paid by a contribution: %v", err)
		}
		list, err := R.ListAwards(ctx, commune, c.ID, day("2025-01-01"), day("2025-12-31"), page.Request{Limit: 10})
		if err != nil || len(list.Items) != 1 || list.Items[0].Student.Name != "Đỗ Thị Mai" {
			t.Fatalf("the commune's awards: %v %v", list.Items, err)
		}
		if _, err := R.ListAwards(ctx, reporter, c.ID, civil.Date{}, civil.Date{}, page.Request{Limit: 10}); !errs.Is(err, errs.Forbidden) {
			t.Fatalf("a reporter reading students' names: %v", err)
		}
	})
	t.Run("counted by the rollups: figures as of any day, the half-year report balances with its sections", func(t *testing.T) {
		day := func(s string) civil.Date { return civil.MustParse(s) }
		for _, tc := range []struct {
			day      string
			balance  int64
			families int
			awards   int
		}{
			{"2025-01-31", 12_000_000, 0, 0}, // a month end: kept
			{"2025-02-14", 15_000_000, 0, 0}, // a day between: the live tally filtered
			{"2025-03-31", 12_000_000, 0, 0},
			{"2025-04-01", 12_000_000, 1, 0}, // the family's decision day
			{"2025-06-30", 10_500_000, 1, 1},
		} {
			r, err := s.Rollups.Rollup(ctx, reporter, p.ID, day(tc.day))
			if err != nil {
				t.Fatal(err)
			}
			if r.Records.FundBalance != tc.balance || r.Records.LearningModels["family"] != tc.families || r.Records.Scholarships.Awards != tc.awards {
				t.Errorf("province on %s: %+v", tc.day, r.Records)
			}
			if len(r.Children) != 1 || r.Children[0].Records.FundBalance != tc.balance {
				t.Errorf("the district's row on %s: %+v", tc.day, r.Children)
			}
		}
		rep, err := s.Rollups.PeriodReport(ctx, reporter, p.ID, day("2025-01-01"), day("2025-06-30"))
		if err != nil {
			t.Fatal(err)
		}
		f := rep.Total.Records.Fund
		if f.Start != 0 || f.In != 12_000_000 || f.Out != 1_500_000 || f.End != 10_500_000 || !rep.Total.Balanced() {
			t.Fatalf("the half-year's fund: %+v", f)
		}
		if rep.Total.Records.Recognised["family"] != 1 || rep.Total.Records.Scholarships.Amount != 1_500_000 {
			t.Fatalf("the half-year's models and awards: %+v", rep.Total.Records)
		}
		second, err := s.Rollups.PeriodReport(ctx, reporter, p.ID, day("2025-07-01"), day("2025-12-31"))
		if err != nil || second.Total.Records.Fund.Start != 10_500_000 || second.Total.Records.Fund.End != 10_500_000 {
			t.Fatalf("the second half starts where the first ended: %+v %v", second.Total.Records.Fund, err)
		}
		// A back-dated contribution, entered after those month ends were
		// kept: the write marks them from its day on, and they follow.
		if _, err := R.AddEntry(ctx, editor, b.ID, records.EntryInput{Date: day("2025-03-10"), Amount: 700_000, Direction: fund.In, Party: "Hội viên chi hội", Receipt: "PT-03"}); err != nil {
			t.Fatal(err)
		}
		for d, want := range map[string]int64{"2025-02-28": 12_000_000, "2025-03-31": 12_700_000, "2025-06-30": 11_200_000} {
			r, err := s.Rollups.Rollup(ctx, reporter, p.ID, day(d))
			if err != nil || r.Records.FundBalance != want {
				t.Errorf("after the back-dated entry, on %s: %d %v, want %d", d, r.Records.FundBalance, err, want)
			}
		}
		if rec, err := s.Rollups.Reconcile(ctx, Sys, p); err != nil || len(rec.Repairs) != 0 {
			t.Fatalf("reconcile finds the counters right: %+v %v", rec, err)
		}
	})
}

func asErr(err error, target **errs.Error) bool {
	e, ok := err.(*errs.Error)
	if !ok {
		return false
	}
	*target = e
	return true
}
