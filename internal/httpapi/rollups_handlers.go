package httpapi

import (
	"fmt"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/sohoi/sohoi/internal/civil"
	"github.com/sohoi/sohoi/internal/errs"
	"github.com/sohoi/sohoi/internal/rollups"
	"github.com/sohoi/sohoi/internal/units"
)

type rollupChildJSON struct {
	UnitID  string                `json:"unitId"`
	Name    string                `json:"name"`
	Level   units.Level           `json:"level"`
	Code    string                `json:"code"`
	Totals  rollups.Totals        `json:"totals"`
	Records rollups.RecordsTotals `json:"records"`
}

func (s *server) rollup(c *gin.Context) error {
	var f errs.Fields
	q := c.Query("asOf")
	asOf := dateField(&f, "asOf", &q)
	if err := f.Err(); err != nil {
		return err
	}
	r, err := s.Rollups.Rollup(c.Request.Context(), callerOf(c), c.Param("id"), asOf)
	if err != nil {
		return err
	}
	children := each(r.Children, func(ch rollups.Row) rollupChildJSON {
		return rollupChildJSON{UnitID: ch.Unit.ID, Name: ch.Unit.Name, Level: ch.Unit.Level, Code: ch.Unit.Code, Totals: ch.Totals, Records: ch.Records}
	})
	return reply(c, http.StatusOK, gin.H{"unitId": r.Unit.ID, "asOf": r.AsOf, "totals": r.Totals, "records": r.Records,
		"children": children, "pending": r.Pending})
}

type periodRowJSON struct {
	UnitID         string      `json:"unitId"`
	Name           string      `json:"name"`
	Level          units.Level `json:"level"`
	Code           string      `json:"code"`
	ActiveStart    int         `json:"activeStart"`
	Joined         int         `json:"joined"`
	TransferredIn  int         `json:"transferredIn"`
	Left           int         `json:"left"`
	Died           int         `json:"died"`
	TransferredOut int         `json:"transferredOut"`
	// Issue 18.5: members of units a move (a merge, a reform plan) brought
	// in or took out, neither joins nor leaves nor transfers.
	RestructuredIn  int `json:"restructuredIn"`
	RestructuredOut int `json:"restructuredOut"`
	ActiveEnd       int `json:"activeEnd"`
	BranchesStart   int `json:"branchesStart"`
	BranchesEnd     int `json:"branchesEnd"`
	// Issue 20: learning models, the fund (balanced), scholarships.
	Records rollups.RecordsPeriod `json:"records"`
}

func toPeriodRow(r rollups.PeriodRow) periodRowJSON {
	return periodRowJSON{UnitID: r.Unit.ID, Name: r.Unit.Name, Level: r.Unit.Level, Code: r.Unit.Code,
		ActiveStart: r.ActiveStart, Joined: r.Joined, TransferredIn: r.TransferredIn, Left: r.Left, Died: r.Died,
		TransferredOut: r.TransferredOut, RestructuredIn: r.RestructuredIn, RestructuredOut: r.RestructuredOut, ActiveEnd: r.ActiveEnd, BranchesStart: r.BranchesStart, BranchesEnd: r.BranchesEnd,
		Records: r.Records}
}

func (s *server) periodReport(c *gin.Context) error {
	var f errs.Fields
	format := tableFormat(c, &f)
	fromQ, toQ := c.Query("from"), c.Query("to")
	from, to := dateField(&f, "from", &fromQ), dateField(&f, "to", &toQ)
	if err := f.Err(); err != nil {
		return err
	}
	p, err := s.Rollups.PeriodReport(c.Request.Context(), callerOf(c), c.Param("id"), from, to)
	if err != nil {
		return err
	}
	u := p.Unit
	if format != "json" {
		return sendTable(c, format, fmt.Sprintf("bao-cao-%s-%s-%s", u.Code, from, to), sheet{
			Name: "Báo cáo", Title: periodTitle(u, from, to), Rows: p.Table(), TextCols: 2, TotalLast: true,
		})
	}
	children := each(p.Children, toPeriodRow)
	return reply(c, http.StatusOK, gin.H{"unitId": u.ID, "from": p.From, "to": p.To, "total": toPeriodRow(p.Total), "children": children, "pending": p.Pending})
}

// periodTitle names a period report the way the association heads one:
// the unit, its code and the period, dates written day/month/year.
func periodTitle(u *units.Unit, from, to civil.Date) string {
	vn := func(d civil.Date) string { return fmt.Sprintf("%02d/%02d/%04d", d.Day, d.Month, d.Year) }
	return fmt.Sprintf("Báo cáo biến động hội viên: %s (mã %s), từ ngày %s đến ngày %s", u.Name, u.Code, vn(from), vn(to))
}
