package rollups

import (
	"strconv"

	"github.com/sohoi/sohoi/internal/learning"
)

// PeriodHeader is the header of a period report as a table, in the words of
// the association's own reports: the roll's movement, then issue 20's
// sections (learning models recognised for the year, by kind, in the
// catalogue's words; the fund; scholarships).
var PeriodHeader = periodHeader()

// reportKinds are the kinds of learning model a report has columns for:
// the association's catalogue (learning.Default).
var reportKinds = learning.Default().Kinds

func periodHeader() []string {
	h := []string{
		"Đơn vị", "Mã", "Hội viên đầu kỳ", "Kết nạp mới", "Chuyển đến", "Ra hội", "Từ trần", "Chuyển đi",
		"Hội viên cuối kỳ", "Chi hội đầu kỳ", "Chi hội cuối kỳ",
	}
	for _, k := range reportKinds {
		h = append(h, k.Name)
	}
	// Issue 18.5's restructured members come last, so that the columns
	// before keep their places in the files offices already read.
	return append(h, "Quỹ khuyến học: tồn đầu kỳ", "Quỹ khuyến học: thu", "Quỹ khuyến học: chi", "Quỹ khuyến học: tồn cuối kỳ",
		"Học bổng: số suất", "Học bổng: số tiền", "Chuyển đến do sắp xếp đơn vị", "Chuyển đi do sắp xếp đơn vị")
}

// Table is the report as rows under PeriodHeader: one per child, then the
// unit's own total.
func (p *Period) Table() [][]string {
	row := func(name, code string, r PeriodRow) []string {
		n := func(v int) string { return strconv.Itoa(v) }
		vnd := func(v int64) string { return strconv.FormatInt(v, 10) }
		out := []string{name, code, n(r.ActiveStart), n(r.Joined), n(r.TransferredIn), n(r.Left), n(r.Died),
			n(r.TransferredOut), n(r.ActiveEnd), n(r.BranchesStart), n(r.BranchesEnd)}
		for _, k := range reportKinds {
			out = append(out, n(r.Records.RecognisedForYear[k.ID]))
		}
		f, a := r.Records.Fund, r.Records.Scholarships
		return append(out, vnd(f.Start), vnd(f.In), vnd(f.Out), vnd(f.End), n(a.Awards), vnd(a.Amount),
			n(r.RestructuredIn), n(r.RestructuredOut))
	}
	out := [][]string{PeriodHeader}
	for _, c := range p.Children {
		out = append(out, row(c.Unit.Name, c.Unit.Code, c))
	}
	return append(out, row("Tổng cộng: "+p.Total.Unit.Name, p.Total.Unit.Code, p.Total))
}
