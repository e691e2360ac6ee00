package records

import "testing"

// An uploaded file's name is kept only for the download's name: its base,
// cleaned, whatever path or junk a client sent.
func TestCleanName(t *testing.T) {
	for in, want := range map[string]string{
		"bien-ban.pdf":                   "bien-ban.pdf",
		`C:\Users\Hoa\Ảnh\giấy khen.jpg`: "giấy khen.jpg",
		"../../etc/passwd":               "passwd",
		"a/b/":                           "evidence",
		"":                               "evidence",
		"..":                             "evidence",
		"x\u202Egpj.exe":                 "evidence", // a right-to-left override
		"  Biên   bản  .pdf ":            "Biên bản .pdf",
	} {
		if got := cleanName(in); got != want {
			t.Errorf("cleanName(%q) = %q, want %q", in, got, want)
		}
	}
}
