package imports

import (
	"testing"

	"github.com/sohoi/sohoi/internal/civil"
	"github.com/sohoi/sohoi/internal/members"
)

func TestParseDate(t *testing.T) {
	for _, c := range []struct {
		in        string
		allowYear bool
		want      string // YYYY-MM-DD, "y1990" for a year, "!" for an error
	}{
		{"05/09/1985", false, "1985-09-05"},
		{"5/9/1985", false, "1985-09-05"},
		{"05.09.1985", false, "1985-09-05"},
		{"05-09-1985", false, "1985-09-05"},
		{"1985-09-05", false, "1985-09-05"},
		{" 1985-9-5 ", false, "1985-09-05"},
		{"29/02/2024", false, "2024-02-29"},
		{"31/02/1990", false, "!"},
		{"29/02/2023", false, "!"},
		{"00/01/1990", false, "!"},
		{"12/13/1990", false, "!"},
		{"1990-02-30", false, "!"},
		{"31121990", false, "!"}, // a number, but not a serial of any sense: past 9999
		{"1990", true, "y1990"},
		{"1990", false, "!"},
		{"31229", false, "1985-07-01"}, // Excel serial
		{"31229.75", false, "1985-07-01"},
		{"45658", false, "2025-01-01"},
		{"0", false, "!"},
		{"-3", false, "!"},
		{"NaN", false, "!"},
		{"Inf", false, "!"},
		{"mùng 5 tháng 9", false, "!"},
		{"05/09/85", false, "!"},
		{"", false, ""},
	} {
		d, y, err := ParseDate(c.in, c.allowYear)
		got := d.String()
		switch {
		case err != nil:
			got = "!"
		case y != 0:
			got = "y" + itoa4(y)
		}
		if got != c.want {
			t.Errorf("ParseDate(%q, %v) = %q (%v), want %q", c.in, c.allowYear, got, err, c.want)
		}
	}
}

func itoa4(n int) string { return civil.Date{Year: n, Month: 1, Day: 1}.String()[:4] }

func TestFormatDateReadsBack(t *testing.T) {
	for _, s := range []string{"1900-01-01", "1985-09-05", "2024-02-29"} {
		d := civil.MustParse(s)
		back, _, err := ParseDate(FormatDate(d), false)
		if err != nil || back != d {
			t.Errorf("%s → %q → %v, %v", s, FormatDate(d), back, err)
		}
	}
}

func TestParseGender(t *testing.T) {
	for in, want := range map[string]members.Gender{
		"Nam": members.Male, "NAM": members.Male, "male": members.Male, "Male": members.Male,
		"Nữ": members.Female, "nữ": members.Female, "NỮ": members.Female, "nu": members.Female, "female": members.Female,
		"Khác": members.Other, "other": members.Other, "x": "", "Nam nữ": "",
	} {
		if got, ok := ParseGender(in); got != want || ok != (want != "") {
			t.Errorf("ParseGender(%q) = %q, %v", in, got, ok)
		}
		if want != "" {
			if back, _ := ParseGender(GenderText(want)); back != want {
				t.Errorf("GenderText(%q) reads back as %q", want, back)
			}
		}
	}
}

// Exactly the headers of the issue, in any case and with or without
// diacritics; nothing else.
func TestHeaderNames(t *testing.T) {
	for in, want := range map[string]Field{
		"STT": Ignore, "stt": Ignore,
		"Họ và tên": FullName, "HỌ VÀ TÊN": FullName, "ho va ten": FullName, "fullName": FullName, "FULLNAME": FullName,
		"Ngày sinh": BirthDate, "birthDate": BirthDate, "Ngay sinh": BirthDate,
		"Giới tính": Gender, "gender": Gender,
		"Số CCCD": NationalID, "CCCD": NationalID, "CMND": NationalID, "nationalId": NationalID, "so cccd": NationalID,
		"Điện thoại": Phone, "phone": Phone, "Dien thoai": Phone,
		"Địa chỉ": Address, "address": Address,
		"Ngày vào hội": JoinedOn, "joinedOn": JoinedOn,
		"Số thẻ": MemberNo, "memberNo": MemberNo,
		"Chi hội": BranchCode, "branchCode": BranchCode, "branchId": BranchID,
		"Tên": "", "Năm sinh": "", "Ghi chú": "", "name": "", "Số CMND": "",
	} {
		if got := headerNames[headerKey(in)]; got != want {
			t.Errorf("%q maps to %q, want %q", in, got, want)
		}
	}
}

func TestDigitsLost(t *testing.T) {
	for _, c := range []struct {
		in   string
		n    []int
		want string
	}{
		{"1085012345", []int{12, 9}, "001085012345"},
		{"11085012345", []int{12, 9}, "011085012345"},
		{"001085012345", []int{12, 9}, "001085012345"},
		{"12345678", []int{12, 9}, "012345678"},
		{"1.085012345E+9", []int{12, 9}, "001085012345"},
		{"912345678", []int{10}, "0912345678"},
		{"+84912345678", []int{10}, "+84912345678"},
		{"abc", []int{12}, "abc"},
	} {
		if got := digitsLost(c.in, c.n...); got != c.want {
			t.Errorf("digitsLost(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

// The row's own faults come from members.Input.Clean, the check every
// create goes through: the same wording as the API.
func TestParseRowValidation(t *testing.T) {
	cols, err := MapColumns([]string{"Họ và tên", "Ngày sinh", "Giới tính", "Số CCCD", "Điện thoại", "Ngày vào hội"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name  string
		cells []string
		want  []string // fields at fault
	}{
		{"fine", []string{"Nguyễn Văn An", "05/09/1985", "Nam", "001085012345", "0912345678", "01/03/2010"}, nil},
		{"empty name", []string{"  ", "05/09/1985"}, []string{"fullName"}},
		{"control character", []string{"An\u202Egpj"}, []string{"fullName"}},
		{"ID too short", []string{"An", "", "", "12345"}, []string{"nationalId"}},
		{"ID of a woman for a man", []string{"An", "05/09/1985", "Nam", "001185012345"}, []string{"nationalId", "gender"}},
		{"ID year not the birth year alone", []string{"An", "1986", "", "001085012345"}, []string{"nationalId", "birthDate"}},
		{"ID year matches the year alone", []string{"An", "1985", "", "001085012345"}, nil},
		{"bad phone", []string{"An", "", "", "", "12"}, []string{"phone"}},
		{"joined before birth", []string{"An", "05/09/1985", "", "", "", "01/01/1980"}, []string{"joinedOn"}},
		{"future", []string{"An", "", "", "", "", "01/01/2030"}, []string{"joinedOn"}},
		{"31 February", []string{"An", "31/02/1985"}, []string{"birthDate"}},
		{"a year for joinedOn", []string{"An", "", "", "", "", "2010"}, []string{"joinedOn"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			p := ParseRow(cols, Row{Number: 9, Cells: c.cells}, today)
			var got []string
			for _, e := range p.Errors {
				if e.Row != 9 || e.Message == "" {
					t.Errorf("error %+v", e)
				}
				got = append(got, e.Field)
			}
			if len(got) != len(c.want) {
				t.Fatalf("errors %+v, want fields %q", p.Errors, c.want)
			}
			for i := range got {
				if got[i] != c.want[i] {
					t.Fatalf("errors %+v, want fields %q", p.Errors, c.want)
				}
			}
		})
	}
}

func TestParseRowPresent(t *testing.T) {
	cols, _ := MapColumns([]string{"Họ và tên", "Điện thoại", "Địa chỉ"}, nil)
	p := ParseRow(cols, Row{Number: 2, Cells: []string{"An", "", "Hà Nội"}}, today)
	if !p.Present[FullName] || p.Present[Phone] || !p.Present[Address] || p.Present[BirthDate] {
		t.Errorf("present = %v", p.Present)
	}
}
