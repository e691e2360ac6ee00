package demo

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/sohoi/sohoi/internal/access"
	"github.com/sohoi/sohoi/internal/civil"
	"github.com/sohoi/sohoi/internal/errs"
	"github.com/sohoi/sohoi/internal/fund"
	"github.com/sohoi/sohoi/internal/learning"
	"github.com/sohoi/sohoi/internal/page"
	"github.com/sohoi/sohoi/internal/records"
	"github.com/sohoi/sohoi/internal/scholarships"
	"github.com/sohoi/sohoi/internal/units"
)

// RecordsSpec says what SeedRecords makes.
type RecordsSpec struct {
	Top  *units.Unit // a province (or any unit above communes)
	Year int         // the year of the records (their days fall in its first half)
	// FamiliesPerCommune learning families are proposed in each commune's
	// branches and recognised by the commune, each with its evidence; one
	// more is refused for want of it. A clan is recognised in every
	// third commune.
	FamiliesPerCommune int
	Seed               uint64
}

// RecordsMade counts what SeedRecords made.
type RecordsMade struct {
	Communes, Recognised, Refused, Entries, Awards int
}

// SeedRecords gives every commune below spec.Top a half-year of issue
// 20's records, through the records service as the system (so they are
// validated, audited and counted like any write): a fund brought forward
// from the year before, contributions from the branches and from
// companies, a correction reversed, scholarships paid from the fund,
// learning families and clans recognised with their evidence (small
// made-up PDFs, one per criterion that needs one), and a proposal refused.
// Running it again for the same year changes nothing: the first commune's
// receipt numbers are taken, and it stops there with that error.
func SeedRecords(ctx context.Context, us *units.Service, rs *records.Service, spec RecordsSpec) (*RecordsMade, error) {
	sys := access.System("seed records")
	r := rand.New(rand.NewPCG(spec.Seed, spec.Seed^0x7ec0))
	made := &RecordsMade{}
	cat := rs.Catalogue()
	day := func(month, d int) civil.Date { return civil.Date{Year: spec.Year, Month: time.Month(month), Day: d} }
	vnd := func(lo, hi int) int64 { return int64(lo+r.IntN(hi-lo+1)) * 100_000 }

	commune := func(c *units.Unit) error {
		branches, err := children(ctx, us, sys, c)
		if err != nil {
			return err
		}
		if len(branches) == 0 {
			branches = []*units.Unit{c}
		}
		made.Communes++
		entry := func(u *units.Unit, on civil.Date, amount int64, dir fund.Direction, party, receipt string) (*fund.Entry, error) {
			e, err := rs.AddEntry(ctx, sys, u.ID, records.EntryInput{Date: on, Amount: amount, Direction: dir, Party: party, Receipt: receipt})
			if err == nil {
				made.Entries++
			}
			return e, err
		}
		// The fund: brought forward, then contributions through the half-year.
		if _, err := entry(c, day(1, 2), vnd(100, 300), fund.In, "Số dư quỹ năm trước chuyển sang", "PT-01"); err != nil {
			return err
		}
		n := 2
		for i, b := range branches {
			if _, err := entry(c, day(1+r.IntN(5), 1+r.IntN(28)), vnd(5, 40), fund.In, fmt.Sprintf("Hội viên %s đóng góp", b.Name), fmt.Sprintf("PT-%02d", n)); err != nil {
				return err
			}
			n++
			if i%4 == 0 {
				if _, err := entry(c, day(2+r.IntN(3), 1+r.IntN(28)), vnd(20, 150), fund.In, companies[r.IntN(len(companies))], fmt.Sprintf("PT-%02d", n)); err != nil {
					return err
				}
				n++
			}
		}
		// One entry typed twice, corrected by a reversal.
		twice, err := entry(c, day(3, 10), vnd(5, 20), fund.In, "Hội viên đóng góp (nhập trùng)", fmt.Sprintf("PT-%02d", n))
		if err != nil {
			return err
		}
		if _, err := rs.Reverse(ctx, sys, twice.ID, records.Reversal{Date: day(3, 20), Note: "Nhập trùng phiếu thu"}); err != nil {
			return err
		}
		made.Entries++
		// Scholarships at the end of the school year, paid from the fund.
		for i := range 2 + r.IntN(3) {
			pay, err := entry(c, day(5, 30), vnd(5, 20), fund.Out, "Học bổng khuyến học năm học", fmt.Sprintf("PC-%02d", i+1))
			if err != nil {
				return err
			}
			level := scholarships.SchoolLevels[1+r.IntN(3)]
			student := scholarships.Student{Name: Name(r, r.IntN(2) == 0), School: schoolOf(level, c), Level: level, BirthYear: spec.Year - 7 - 3*(1+r.IntN(3))}
			if _, err := rs.CreateAward(ctx, sys, c.ID, records.AwardInput{Date: pay.Date, Student: student, Amount: pay.Amount,
				FundEntry: pay.ID, Title: fmt.Sprintf("Học bổng khuyến học năm học %d-%d", spec.Year-1, spec.Year)}); err != nil {
				return err
			}
			made.Awards++
		}
		// Learning models: families at the branches, recognised by the
		// commune with their evidence; a clan now and then; one refused.
		recognise := func(kind string, at *units.Unit, name string) error {
			m, err := rs.Propose(ctx, sys, at.ID, records.Proposal{Kind: kind, Name: name, Year: spec.Year, ProposedOn: day(3, 1+r.IntN(20))})
			for try := 2; errs.Is(err, errs.Conflict) && try < 10; try++ { // two households of the same name
				m, err = rs.Propose(ctx, sys, at.ID, records.Proposal{Kind: kind, Name: fmt.Sprintf("%s (%d)", name, try), Year: spec.Year, ProposedOn: day(3, 1+r.IntN(20))})
			}
			if err != nil {
				return err
			}
			set := cat.SetOf(cat.Kind(kind))
			var as []learning.Assessment
			for _, cr := range set.Criteria {
				as = append(as, learning.Assessment{Criterion: cr.ID, Met: true})
				if cr.Evidence {
					pdf := demoPDF(fmt.Sprintf("%s %s %s", m.ID, cr.ID, name))
					if _, _, err := rs.AttachEvidence(ctx, sys, m.ID, records.Upload{Criterion: cr.ID, Name: "minh-chung-" + cr.ID + ".pdf", Body: bytes.NewReader(pdf)}, 0); err != nil {
						return err
					}
				}
			}
			if _, err := rs.Assess(ctx, sys, m.ID, as, 0); err != nil {
				return err
			}
			if _, err := rs.Recognise(ctx, sys, m.ID, records.Decision{ByUnit: c.ID, On: day(4, 10+r.IntN(15)), Number: fmt.Sprintf("%d/QĐ-HKH", 10+r.IntN(80))}, 0); err != nil {
				return err
			}
			made.Recognised++
			return nil
		}
		for i := range spec.FamiliesPerCommune {
			b := branches[i%len(branches)]
			if err := recognise("family", b, "Gia đình "+householdHead(r)); err != nil {
				return err
			}
		}
		if made.Communes%3 == 1 {
			if err := recognise("clan", branches[0], "Dòng họ "+familyNames[r.IntN(len(familyNames))]); err != nil {
				return err
			}
		}
		m, err := rs.Propose(ctx, sys, branches[0].ID, records.Proposal{Kind: "family", Name: "Gia đình " + householdHead(r) + " (đề nghị)", Year: spec.Year, ProposedOn: day(3, 5)})
		if err != nil {
			return err
		}
		if _, err := rs.Refuse(ctx, sys, m.ID, records.Decision{ByUnit: c.ID, On: day(4, 28), Reason: "Chưa đủ minh chứng về tiêu chí trẻ em đến trường"}, 0); err != nil {
			return err
		}
		made.Refused++
		return nil
	}
	var walk func(u *units.Unit) error
	walk = func(u *units.Unit) error {
		if u.Level == units.Commune {
			return commune(u)
		}
		cs, err := children(ctx, us, sys, u)
		if err != nil {
			return err
		}
		for _, c := range cs {
			if err := walk(c); err != nil {
				return err
			}
		}
		return nil
	}
	return made, walk(spec.Top)
}

func children(ctx context.Context, us *units.Service, c *access.Caller, u *units.Unit) ([]*units.Unit, error) {
	var out []*units.Unit
	p := page.Request{Limit: page.MaxLimit}
	for {
		res, err := us.Children(ctx, c, u.ID, p)
		if err != nil {
			return nil, err
		}
		for _, ch := range res.Items {
			if ch.Status == units.Active {
				out = append(out, ch)
			}
		}
		if res.Next == "" {
			return out, nil
		}
		p.Cursor = res.Next
	}
}

var companies = []string{"Công ty TNHH Minh Phát", "Ngân hàng Nông nghiệp chi nhánh huyện", "Công ty CP Xây dựng Hồng Hà",
	"Hợp tác xã dịch vụ nông nghiệp", "Doanh nghiệp tư nhân Thành Đạt", "Hội đồng hương tại Hà Nội"}

var familyNames = []string{"Nguyễn", "Trần", "Lê", "Phạm", "Vũ", "Đỗ", "Bùi", "Đặng", "Hoàng", "Ngô"}

// householdHead is "ông …" or "bà …" with a made-up name.
func householdHead(r *rand.Rand) string {
	female := r.IntN(3) == 0
	title := "ông "
	if female {
		title = "bà "
	}
	return title + Name(r, female)
}

func schoolOf(level scholarships.SchoolLevel, c *units.Unit) string {
	switch level {
	case scholarships.Primary:
		return "Trường Tiểu học " + c.Name
	case scholarships.LowerSecondary:
		return "Trường THCS " + c.Name
	default:
		return "Trường THPT huyện"
	}
}

// demoPDF is a small complete PDF whose content note makes it a file of
// its own.
func demoPDF(note string) []byte {
	return []byte("%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n" +
		"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\ntrailer<</Root 1 0 R>>\n% " + note + "\n%%EOF\n")
}
