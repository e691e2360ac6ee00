package httpapi

import (
	"bufio"
	"fmt"
	"log/slog"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/sohoi/sohoi/internal/civil"
	"github.com/sohoi/sohoi/internal/errs"
	"github.com/sohoi/sohoi/internal/imports"
	"github.com/sohoi/sohoi/internal/members"
	"github.com/sohoi/sohoi/internal/units"
)

const xlsxType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

// exportMembers streams the roll of a unit's subtree as CSV or XLSX, in
// the official order, in the layout the import reads back.
func (s *server) exportMembers(c *gin.Context) error {
	var f errs.Fields
	format := c.DefaultQuery("format", "csv")
	if format != "csv" && format != "xlsx" {
		f.Add("format", "must be csv or xlsx")
	}
	var statuses []members.Status
	switch c.DefaultQuery("status", "active") {
	case "active":
		statuses = []members.Status{members.Active}
	case "all":
	default:
		f.Add("status", "must be active or all")
	}
	if err := f.Err(); err != nil {
		return err
	}
	roll, err := s.Members.Export(c.Request.Context(), callerOf(c), c.Param("id"), statuses)
	if err != nil {
		return err
	}
	branch := func(id string) imports.Branch {
		if b := roll.Branch(id); b != nil {
			return imports.Branch{Code: b.Code, Name: b.Name}
		}
		return imports.Branch{}
	}
	ctype := "text/csv; charset=utf-8"
	if format == "xlsx" {
		ctype = xlsxType
	}
	out := &fileAnswer{c: c, ctype: ctype, name: fileName("hoi-vien", roll.Unit, roll.Day, format)}
	buf := bufio.NewWriterSize(out, 64<<10)
	if format == "csv" {
		_, err = imports.WriteCSV(buf, roll.Members, branch)
	} else {
		_, err = imports.WriteXLSX(buf, imports.Title{Unit: roll.Unit.Name, Day: roll.Day}, roll.Members, branch)
	}
	if err == nil {
		err = buf.Flush()
	}
	return out.failed(s.log, err)
}

// importTemplate answers an empty roll to fill in for an import at a
// unit: the headers, and drop-downs for gender and the unit's branches.
func (s *server) importTemplate(c *gin.Context) error {
	if c.Query("unitId") == "" {
		return (errs.Fields{{Field: "unitId", Message: "is required"}}).Err()
	}
	tpl, err := s.Members.Template(c.Request.Context(), callerOf(c), c.Query("unitId"))
	if err != nil {
		return err
	}
	list := make([]imports.Branch, len(tpl.Branches))
	for i, b := range tpl.Branches {
		list[i] = imports.Branch{Code: b.Code, Name: b.Name}
	}
	out := &fileAnswer{c: c, ctype: xlsxType, name: fileName("mau-nhap-hoi-vien", tpl.Unit, tpl.Day, "xlsx")}
	return out.failed(s.log, imports.WriteTemplate(out, imports.Title{Unit: tpl.Unit.Name, Day: tpl.Day}, list))
}

// fileName is an ASCII file name for a file about a unit drawn on a day:
// what, the unit's code (its id when it has none) and the day.
func fileName(what string, u *units.Unit, day civil.Date, ext string) string {
	key := strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' {
			return r
		}
		return -1
	}, u.Code)
	if key == "" {
		key = u.ID
	}
	return fmt.Sprintf("%s-%s-%s.%s", what, key, day, ext)
}

// fileAnswer writes a file answer, sending its headers with the first
// bytes: until then an error is still answered as problem+json.
type fileAnswer struct {
	c           *gin.Context
	ctype, name string
	started     bool
}

func (w *fileAnswer) Write(p []byte) (int, error) {
	if !w.started {
		w.started = true
		w.c.Header("Content-Type", w.ctype)
		w.c.Header("Content-Disposition", fmt.Sprintf(`attachment; filename="%s"`, w.name))
		w.c.Status(http.StatusOK)
	}
	return w.c.Writer.Write(p)
}

// failed returns err to be answered when nothing was sent yet. Once the
// file has begun, the answer cannot become an error any more: the
// connection is cut, so that the client sees a broken transfer rather
// than a roll that silently ends early.
func (w *fileAnswer) failed(log *slog.Logger, err error) error {
	if err == nil || !w.started {
		return err
	}
	log.ErrorContext(w.c.Request.Context(), "a file answer failed after it had begun; the connection is cut", "err", err, "file", w.name)
	panic(http.ErrAbortHandler)
}
