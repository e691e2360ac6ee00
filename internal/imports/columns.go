package imports

import (
	"strings"
	"unicode"

	"github.com/sohoi/sohoi/internal/errs"
	"github.com/sohoi/sohoi/internal/vntext"
)

// Field is a member field a column fills; its name is the API's.
type Field string

const (
	Ignore     Field = "ignore" // STT, or a column mapped away explicitly
	FullName   Field = "fullName"
	BirthDate  Field = "birthDate"
	Gender     Field = "gender"
	NationalID Field = "nationalId"
	Phone      Field = "phone"
	Address    Field = "address"
	JoinedOn   Field = "joinedOn"
	MemberNo   Field = "memberNo"
	BranchCode Field = "branchCode" // a branch's code or name
	BranchID   Field = "branchId"
)

// Fields are the fields a column may fill, in the order of the roll.
var Fields = []Field{FullName, BirthDate, Gender, NationalID, Phone, Address, JoinedOn, MemberNo, BranchCode, BranchID}

// headerNames are the headers recognised, Vietnamese and English, by their
// folded key (headerKey): exactly the list of issue 17.
var headerNames = map[string]Field{}

func init() {
	for f, names := range map[Field][]string{
		Ignore:     {"STT"},
		FullName:   {"Họ và tên", "fullName"},
		BirthDate:  {"Ngày sinh", "birthDate"},
		Gender:     {"Giới tính", "gender"},
		NationalID: {"Số CCCD", "CCCD", "CMND", "nationalId"},
		Phone:      {"Điện thoại", "phone"},
		Address:    {"Địa chỉ", "address"},
		JoinedOn:   {"Ngày vào hội", "joinedOn"},
		MemberNo:   {"Số thẻ", "memberNo"},
		BranchCode: {"Chi hội", "branchCode"},
		BranchID:   {"branchId"},
	} {
		for _, n := range names {
			headerNames[headerKey(n)] = f
		}
	}
}

// headerKey folds a header so that case, diacritics, spaces and
// punctuation do not matter: "Họ và tên", "HO VA TEN" and "ho_va_ten" are
// one key.
func headerKey(s string) string {
	var b strings.Builder
	for _, r := range vntext.Fold(s) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// Mapping maps header texts (compared as headerKey does) to fields; it
// overrides the recognised names, and Ignore drops a column.
type Mapping map[string]Field

// Columns says which column fills which field.
type Columns struct {
	// Header is the header row as written.
	Header []string
	// Of gives each field's column index; a field absent from the file
	// has none.
	Of map[Field]int
	// Unknown are the headers of columns that fill no field, in order.
	Unknown []string
}

// Has reports whether the file has a column for f.
func (c Columns) Has(f Field) bool { _, ok := c.Of[f]; return ok }

// MapColumns maps a header row. It fails when a field has two columns, when
// the mapping names an unknown field, or when there is no name column.
func MapColumns(header []string, m Mapping) (Columns, error) {
	explicit := map[string]Field{}
	for h, f := range m {
		if f != Ignore && !isField(f) {
			return Columns{}, errs.E(errs.Validation, "the mapping names %q, which is not a field (%s)", f, fieldList())
		}
		explicit[headerKey(h)] = f
	}
	c := Columns{Header: header, Of: map[Field]int{}}
	for i, h := range header {
		key := headerKey(h)
		if key == "" {
			continue
		}
		f, ok := explicit[key]
		if !ok {
			f, ok = headerNames[key]
		}
		switch {
		case !ok:
			c.Unknown = append(c.Unknown, h)
		case f == Ignore:
		case c.Has(f):
			return Columns{}, errs.E(errs.Validation, "two columns give %s: %q and %q", f, header[c.Of[f]], h)
		default:
			c.Of[f] = i
		}
	}
	if !c.Has(FullName) {
		return c, errs.E(errs.Validation, "no column gives the full name (a header such as %q or %q)", "Họ và tên", "fullName")
	}
	if c.Has(BranchCode) && c.Has(BranchID) {
		return Columns{}, errs.E(errs.Validation, "give the branch either by code or name (%q) or by id (branchId), not both", "Chi hội")
	}
	return c, nil
}

func isField(f Field) bool {
	for _, g := range Fields {
		if f == g {
			return true
		}
	}
	return false
}

func fieldList() string {
	s := make([]string, len(Fields))
	for i, f := range Fields {
		s[i] = string(f)
	}
	return strings.Join(s, ", ") + " or ignore"
}

// cell is row's cell for f, trimmed, or "" when the file has no such
// column or the row is short.
func (c Columns) cell(row Row, f Field) string {
	i, ok := c.Of[f]
	if !ok || i >= len(row.Cells) {
		return ""
	}
	return undefuse(strings.TrimSpace(row.Cells[i]))
}
