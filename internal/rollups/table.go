package rollups

import "strconv"

// PeriodHeader is the header of a period report as a table, in the words of
// the association's own reports.
var PeriodHeader = []string{
	"Đơn vị", "Mã", "Hội viên đầu kỳ", "Kết nạp mới", "Chuyển đến", "Ra hội", "Từ trần", "Chuyển đi",
	"Hội viên cuối kỳ", "Chi hội đầu kỳ", "Chi hội cuối kỳ",
}

// Table is the report as rows under PeriodHeader: one per child, then the
// unit's own total.
func (p *Period) Table() [][]string {
	row := func(name, code string, r PeriodRow) []string {
		n := func(v int) string { return strconv.Itoa(v) }
		return []string{name, code, n(r.ActiveStart), n(r.Joined), n(r.TransferredIn), n(r.Left), n(r.Died),
			n(r.TransferredOut), n(r.ActiveEnd), n(r.BranchesStart), n(r.BranchesEnd)}
	}
	out := [][]string{PeriodHeader}
	for _, c := range p.Children {
		out = append(out, row(c.Unit.Name, c.Unit.Code, c))
	}
	return append(out, row("Tổng cộng: "+p.Total.Unit.Name, p.Total.Unit.Code, p.Total))
}
