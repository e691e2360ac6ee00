package httpapi_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"fmt"
	"math/rand/v2"
	"mime/multipart"
	"slices"
	"strings"
	"testing"

	"github.com/sohoi/sohoi/internal/evidence"
	"github.com/sohoi/sohoi/internal/servicetest"
)

// upload sends an evidence file for a criterion as multipart/form-data.
func (e *env) upload(token, modelID, criterion, name string, content []byte, headers ...string) *resp {
	e.t.Helper()
	var b bytes.Buffer
	w := multipart.NewWriter(&b)
	if criterion != "" {
		w.WriteField("criterion", criterion)
	}
	f, _ := w.CreateFormFile("file", name)
	f.Write(content)
	w.Close()
	return e.do("POST", "/api/v1/learning-models/"+modelID+"/evidence", token, b.String(), append([]string{"Content-Type", w.FormDataContentType()}, headers...)...)
}

type learningModel struct {
	ID       string `json:"id"`
	Status   string `json:"status"`
	Version  int    `json:"version"`
	Evidence []struct {
		Criterion string `json:"criterion"`
		File      string `json:"file"`
	} `json:"evidence"`
	Decision *struct {
		ByUnit string `json:"byUnit"`
		Level  string `json:"level"`
	} `json:"decision"`
}

type attached struct {
	LearningModel learningModel `json:"learningModel"`
	File          struct {
		ID          string `json:"id"`
		ContentType string `json:"contentType"`
		Size        int    `json:"size"`
	} `json:"file"`
}

// Issue 20's "done when", through the API on the embedded store (the same
// scenario runs at the service level on both stores: servicetest and
// internal/store/mongo, TestRecordsScenario).
func TestLearningModelsFundAndScholarships(t *testing.T) {
	e := newEnv(t)
	p := e.mustUnit("root", "province", "34")
	d := e.mustUnit(p.ID, "district", "336")
	c := e.mustUnit(d.ID, "commune", "12436")
	b := e.mustUnit(c.ID, "branch", "CH01")
	other := e.mustUnit("root", "province", "33")
	editor := e.mustUser("chihoi", "editor", b.ID)
	commune := e.mustUser("xa.manager", "manager", c.ID)
	reporter := e.mustUser("baocao", "reporter", p.ID)
	outsider := e.mustUser("tinhkhac", "manager", other.ID)
	all := map[string]any{"assessments": []map[string]any{
		{"criterion": "f1-plan", "met": true}, {"criterion": "f2-children-in-school", "met": true},
		{"criterion": "f3-adults-learning", "met": true}, {"criterion": "f4-books", "met": true},
		{"criterion": "f5-culture", "met": true, "note": "Gia đình văn hóa 2024"}, {"criterion": "f6-study-promotion", "met": false}}}
	propose := func(name string) learningModel {
		t.Helper()
		var m learningModel
		e.expect(e.do("POST", "/api/v1/units/"+b.ID+"/learning-models", editor, map[string]any{
			"kind": "family", "name": name, "year": 2025, "proposedOn": "2025-03-02"}), 201).decode(t, &m)
		return m
	}
	pdf := servicetest.PDFBytes("f2")
	var fileID string

	t.Run("a family proposed with evidence, assessed, recognised", func(t *testing.T) {
		m := propose("Gia đình ông Đỗ Văn An")
		if m.Status != "proposed" || m.Version != 1 {
			t.Fatalf("proposed: %+v", m)
		}
		for _, cr := range []string{"f2-children-in-school", "f3-adults-learning", "f5-culture"} {
			content := servicetest.PDFBytes(cr)
			var a attached
			e.expect(e.upload(editor, m.ID, cr, "bien-ban "+cr+".pdf", content), 201).decode(t, &a)
			if a.File.ContentType != "application/pdf" || a.File.Size != len(content) {
				t.Fatalf("stored file %+v", a.File)
			}
			if cr == "f2-children-in-school" {
				fileID = a.File.ID
			}
			m = a.LearningModel
		}
		if len(m.Evidence) != 3 {
			t.Fatalf("evidence %+v", m.Evidence)
		}
		e.expect(e.do("POST", "/api/v1/learning-models/"+m.ID+"/assess", editor, all), 403, "forbidden")
		e.expect(e.do("POST", "/api/v1/learning-models/"+m.ID+"/assess", commune, all, "If-Match", `"1"`), 412, "version_mismatch")
		e.expect(e.do("POST", "/api/v1/learning-models/"+m.ID+"/assess", commune, all), 200).decode(t, &m)
		if m.Status != "assessed" {
			t.Fatalf("assessed: %+v", m)
		}
		e.expect(e.do("POST", "/api/v1/learning-models/"+m.ID+"/recognise", commune, map[string]any{"byUnit": c.ID, "on": "2025-04-01", "number": "15/QĐ-HKH"}), 200).decode(t, &m)
		if m.Status != "recognised" || m.Decision == nil || m.Decision.Level != "commune" {
			t.Fatalf("recognised: %+v", m)
		}
	})
	t.Run("refused without the evidence its criteria require", func(t *testing.T) {
		m := propose("Gia đình bà Lê Thị Hoa")
		e.expect(e.do("POST", "/api/v1/learning-models/"+m.ID+"/assess", commune, all), 200)
		r := e.expect(e.do("POST", "/api/v1/learning-models/"+m.ID+"/recognise", commune, map[string]any{"byUnit": c.ID, "on": "2025-04-01"}), 400, "validation_failed")
		for _, cr := range []string{"criteria.f2-children-in-school", "criteria.f3-adults-learning", "criteria.f5-culture"} {
			if !strings.Contains(string(r.body), cr) {
				t.Errorf("the refusal does not name %s: %s", cr, r.body)
			}
		}
		e.expect(e.do("POST", "/api/v1/learning-models/"+m.ID+"/refuse", commune, map[string]any{"byUnit": c.ID, "on": "2025-04-02", "reason": "Thiếu minh chứng"}), 200).decode(t, &m)
		if m.Status != "refused" {
			t.Fatalf("refused: %+v", m)
		}
	})
	t.Run("evidence deduplicated, streamed back byte-equal; a spoofed type refused", func(t *testing.T) {
		m := propose("Gia đình ông Vũ Văn Nam")
		var a attached
		e.expect(e.upload(editor, m.ID, "f2-children-in-school", "scan.pdf", servicetest.PDFBytes("f2-children-in-school")), 201).decode(t, &a)
		if a.File.ID != fileID {
			t.Fatalf("the same bytes stored again under %s, not %s", a.File.ID, fileID)
		}
		got := e.expect(e.do("GET", "/api/v1/evidence/"+fileID, editor, nil), 200)
		if !bytes.Equal(got.body, servicetest.PDFBytes("f2-children-in-school")) || got.header.Get("Content-Type") != "application/pdf" ||
			!strings.HasPrefix(got.header.Get("Content-Disposition"), "attachment;") {
			t.Fatalf("download: %q %q, %d bytes", got.header.Get("Content-Type"), got.header.Get("Content-Disposition"), len(got.body))
		}
		r := e.expect(e.upload(editor, m.ID, "f5-culture", "giay-khen.pdf", servicetest.PNGBytes(t)), 415, "unsupported_media_type")
		if !strings.Contains(string(r.body), "image/png") {
			t.Fatalf("the refusal does not say what the file is: %s", r.body)
		}
		e.expect(e.upload(editor, m.ID, "", "a.pdf", pdf), 400, "validation_failed")
		e.expect(e.upload(editor, m.ID, "no-such", "a.pdf", pdf), 400, "validation_failed")
		e.expect(e.do("POST", "/api/v1/learning-models/"+m.ID+"/evidence", editor, map[string]string{"criterion": "f1-plan"}), 415, "unsupported_media_type")
		e.expect(e.do("GET", "/api/v1/evidence/"+strings.Repeat("0", 64), editor, nil), 404, "not_found")
		e.expect(e.do("GET", "/api/v1/evidence/"+fileID, reporter, nil), 403, "forbidden")
		e.expect(e.do("GET", "/api/v1/evidence/"+fileID, outsider, nil), 404, "not_found")
		e.expect(e.do("GET", "/api/v1/learning-models/"+m.ID, reporter, nil), 403, "forbidden")
		e.expect(e.do("GET", "/api/v1/learning-models/"+m.ID, outsider, nil), 404, "not_found")
		e.expect(e.do("GET", "/api/v1/learning-models/"+m.ID, editor, nil), 200)
		var list struct{ Items []learningModel }
		e.expect(e.do("GET", "/api/v1/units/"+c.ID+"/learning-models?year=2025&status=recognised", commune, nil), 200).decode(t, &list)
		if len(list.Items) != 1 {
			t.Fatalf("the commune's recognised models: %+v", list.Items)
		}
		e.expect(e.do("GET", "/api/v1/units/"+c.ID+"/learning-models", reporter, nil), 403, "forbidden")
		e.expect(e.do("GET", "/api/v1/learning-catalogue", reporter, nil), 200)
	})
	t.Run("a 20 MB scan, the largest allowed, goes up and comes back byte-equal; one byte more is refused and nothing kept", func(t *testing.T) {
		m := propose("Gia đình bà Nguyễn Thị Lan")
		// A PDF padded to exactly the limit with bytes that do not repeat,
		// so that nothing on the way (compression, chunk dedupe) hides a
		// lost or reordered chunk.
		scan := servicetest.PDFBytes("scan 20 MB")
		pad := make([]byte, evidence.DefaultMaxSize-len(scan))
		rand.NewChaCha8([32]byte{20}).Read(pad)
		scan = append(scan, pad...)
		var a attached
		e.expect(e.upload(editor, m.ID, "f3-adults-learning", "so-tay-20mb.pdf", scan), 201).decode(t, &a)
		if a.File.Size != len(scan) {
			t.Fatalf("stored %d bytes of %d", a.File.Size, len(scan))
		}
		got := e.expect(e.do("GET", "/api/v1/evidence/"+a.File.ID, editor, nil), 200)
		if !bytes.Equal(got.body, scan) {
			t.Fatalf("the download differs from the upload (%d bytes back of %d)", len(got.body), len(scan))
		}
		sum := sha256.Sum256(scan)
		if a.File.ID != hex.EncodeToString(sum[:]) {
			t.Fatalf("the file is not addressed by its SHA-256: %s", a.File.ID)
		}
		over := append(servicetest.PDFBytes("one byte over"), make([]byte, evidence.DefaultMaxSize-len(servicetest.PDFBytes("one byte over"))+1)...)
		e.expect(e.upload(editor, m.ID, "f5-culture", "qua-lon.pdf", over), 413, "payload_too_large")
		var after learningModel
		e.expect(e.do("GET", "/api/v1/learning-models/"+m.ID, editor, nil), 200).decode(t, &after)
		if len(after.Evidence) != 1 || after.Evidence[0].Criterion != "f3-adults-learning" {
			t.Fatalf("after the refused upload the model lists %+v, want only the 20 MB scan", after.Evidence)
		}
		overSum := sha256.Sum256(over)
		e.expect(e.do("GET", "/api/v1/evidence/"+hex.EncodeToString(overSum[:]), editor, nil), 404, "not_found")
	})
	t.Run("the fund: entries and a reversing correction give the balance as of several days; a scholarship paid from it", func(t *testing.T) {
		entry := func(token, unitID, date string, amount int, dir, receipt string) string {
			t.Helper()
			var out struct{ ID string }
			e.expect(e.do("POST", "/api/v1/units/"+unitID+"/fund/entries", token, map[string]any{
				"date": date, "amount": amount, "direction": dir, "party": "Công ty TNHH Minh Phát", "receipt": receipt}), 201).decode(t, &out)
			return out.ID
		}
		entry(editor, b.ID, "2025-01-10", 10_000_000, "in", "PT-01")
		wrong := entry(editor, b.ID, "2025-02-01", 3_000_000, "in", "PT-02")
		entry(commune, c.ID, "2025-01-20", 2_000_000, "in", "PT-01")
		e.expect(e.do("POST", "/api/v1/units/"+b.ID+"/fund/entries", editor, map[string]any{
			"date": "2025-03-01", "amount": 1, "direction": "in", "party": "x", "receipt": "PT-01"}), 400, "validation_failed") // a receipt number once a year
		e.expect(e.do("POST", "/api/v1/units/"+b.ID+"/fund/entries", editor, map[string]any{
			"date": "2025-03-01", "amount": 1.5, "direction": "in", "party": "x", "receipt": "PT-09"}), 400, "validation_failed")
		e.expect(e.do("POST", "/api/v1/fund/entries/"+wrong+"/reverse", editor, map[string]any{"date": "2025-02-15", "note": "Nhập trùng phiếu"}), 201)
		e.expect(e.do("POST", "/api/v1/fund/entries/"+wrong+"/reverse", editor, map[string]any{"date": "2025-02-16", "note": "again"}), 409, "conflict")
		e.expect(e.do("POST", "/api/v1/fund/entries/"+wrong+"/reverse", outsider, map[string]any{"note": "x"}), 404, "not_found")
		pay := entry(editor, b.ID, "2025-05-30", 1_500_000, "out", "PC-01")
		for day, want := range map[string]int{"2025-01-09": 0, "2025-01-20": 12_000_000, "2025-02-01": 15_000_000, "2025-02-15": 12_000_000, "2025-05-30": 10_500_000} {
			var bal struct {
				Own, Subtree int
				Pending      bool
			}
			e.expect(e.do("GET", "/api/v1/units/"+c.ID+"/fund/balance?asOf="+day, reporter, nil), 200).decode(t, &bal)
			if bal.Subtree != want || bal.Pending {
				t.Errorf("the commune's fund on %s: %d (pending %v), want %d", day, bal.Subtree, bal.Pending, want)
			}
			// The balance is the counting's figure: the rollup of the day
			// gives the same.
			var roll struct {
				Records struct{ FundBalance int } `json:"records"`
			}
			e.expect(e.do("GET", "/api/v1/units/"+c.ID+"/rollup?asOf="+day, reporter, nil), 200).decode(t, &roll)
			if roll.Records.FundBalance != bal.Subtree {
				t.Errorf("on %s the rollup says %d, the balance %d", day, roll.Records.FundBalance, bal.Subtree)
			}
		}
		e.expect(e.do("GET", "/api/v1/units/"+c.ID+"/fund/balance", outsider, nil), 404, "not_found")
		e.expect(e.do("GET", "/api/v1/units/"+c.ID+"/fund/entries", reporter, nil), 403, "forbidden")
		var ledger struct {
			Items []struct{ ID, Reverses string }
		}
		e.expect(e.do("GET", "/api/v1/units/"+c.ID+"/fund/entries?from=2025-02-01&to=2025-02-28", commune, nil), 200).decode(t, &ledger)
		if len(ledger.Items) != 2 || ledger.Items[1].Reverses != wrong {
			t.Fatalf("February's ledger: %+v", ledger.Items)
		}
		student := map[string]any{"name": "Đỗ Thị Mai", "school": "Trường THCS Đông Hưng", "level": "lower_secondary", "birthYear": 2012}
		e.expect(e.do("POST", "/api/v1/units/"+b.ID+"/scholarships", editor, map[string]any{
			"date": "2025-05-30", "student": student, "amount": 1_500_000, "fundEntry": pay, "title": "Học bổng 2025"}), 201)
		e.expect(e.do("POST", "/api/v1/units/"+b.ID+"/scholarships", editor, map[string]any{
			"date": "2025-05-30", "student": student, "amount": 1_500_000, "fundEntry": pay}), 409, "conflict")
		e.expect(e.do("POST", "/api/v1/units/"+b.ID+"/scholarships", reporter, map[string]any{
			"date": "2025-06-01", "student": student, "inKind": "20 quyển vở"}), 403, "forbidden")
		var awards struct{ Items []struct{ FundEntry string } }
		e.expect(e.do("GET", "/api/v1/units/"+p.ID+"/scholarships?from=2025-01-01&to=2025-12-31", commune, nil), 404, "not_found")
		e.expect(e.do("GET", "/api/v1/units/"+c.ID+"/scholarships?from=2025-01-01&to=2025-12-31", commune, nil), 200).decode(t, &awards)
		if len(awards.Items) != 1 || awards.Items[0].FundEntry != pay {
			t.Fatalf("awards %+v", awards.Items)
		}
	})
	t.Run("the half-year report balances with these sections; the rollup has the figures", func(t *testing.T) {
		var rep struct {
			Total struct {
				Records struct {
					LearningModelsRecognised map[string]int `json:"learningModelsRecognised"`
					Fund                     struct{ Start, In, Out, End int }
					Scholarships             struct{ Awards, Amount int }
				}
			}
		}
		e.expect(e.do("GET", "/api/v1/units/"+p.ID+"/reports/period?from=2025-01-01&to=2025-06-30", reporter, nil), 200).decode(t, &rep)
		r := rep.Total.Records
		if r.Fund.Start != 0 || r.Fund.In != 12_000_000 || r.Fund.Out != 1_500_000 || r.Fund.End != 10_500_000 ||
			r.LearningModelsRecognised["family"] != 1 || r.Scholarships.Awards != 1 || r.Scholarships.Amount != 1_500_000 {
			t.Fatalf("the half-year's sections: %+v", r)
		}
		if r.Fund.Start+r.Fund.In-r.Fund.Out != r.Fund.End {
			t.Fatalf("the fund does not balance: %+v", r.Fund)
		}
		res := e.expect(e.do("GET", "/api/v1/units/"+p.ID+"/reports/period?from=2025-01-01&to=2025-06-30&format=csv", reporter, nil), 200)
		rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(string(res.body), "\ufeff"))).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		head, total := rows[0], rows[len(rows)-1]
		for col, want := range map[string]string{"Gia đình học tập": "1", "Quỹ khuyến học: tồn đầu kỳ": "0", "Quỹ khuyến học: thu": "12000000",
			"Quỹ khuyến học: chi": "1500000", "Quỹ khuyến học: tồn cuối kỳ": "10500000", "Học bổng: số suất": "1", "Học bổng: số tiền": "1500000"} {
			i := slices.Index(head, col)
			if i < 0 || total[i] != want {
				t.Errorf("column %q: %v (in %v)", col, fmt.Sprint(i), total)
			}
		}
		var roll struct {
			Records struct {
				LearningModels map[string]int `json:"learningModels"`
				FundBalance    int            `json:"fundBalance"`
			}
		}
		e.expect(e.do("GET", "/api/v1/units/"+p.ID+"/rollup?asOf=2025-06-30", reporter, nil), 200).decode(t, &roll)
		if roll.Records.FundBalance != 10_500_000 || roll.Records.LearningModels["family"] != 1 {
			t.Fatalf("the rollup's records: %+v", roll.Records)
		}
	})
}
