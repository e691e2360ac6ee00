// Package demo makes believable rolls for demos, load tests and benchmarks:
// Vietnamese names in their real proportions, valid national IDs, dates
// that agree with each other. Nothing here is real personal data.
package demo

import "math/rand/v2"

// weighted picks from choices by weight.
type weighted struct {
	choices []string
	cum     []int
}

func newWeighted(pairs ...any) weighted {
	var w weighted
	total := 0
	for i := 0; i < len(pairs); i += 2 {
		total += pairs[i+1].(int)
		w.choices = append(w.choices, pairs[i].(string))
		w.cum = append(w.cum, total)
	}
	return w
}

func (w weighted) pick(r *rand.Rand) string {
	n := r.IntN(w.cum[len(w.cum)-1])
	for i, c := range w.cum {
		if n < c {
			return w.choices[i]
		}
	}
	return w.choices[len(w.choices)-1]
}

// Family names in roughly their share of the population (per mille).
var families = newWeighted(
	"Nguyễn", 380, "Trần", 110, "Lê", 95, "Phạm", 70, "Hoàng", 51, "Huỳnh", 30, "Phan", 45, "Vũ", 39,
	"Võ", 20, "Đặng", 21, "Bùi", 20, "Đỗ", 14, "Hồ", 13, "Ngô", 13, "Dương", 10, "Lý", 5, "Đinh", 8,
	"Đào", 6, "Mai", 5, "Trịnh", 5, "Lương", 4, "Cao", 4, "Tạ", 3, "Hà", 3, "Quách", 2, "Tô", 2,
)

var middles = map[bool]weighted{
	false: newWeighted("Văn", 45, "Đức", 10, "Minh", 10, "Quang", 8, "Hữu", 8, "Ngọc", 5, "Xuân", 5, "Thanh", 5, "Công", 4),
	true:  newWeighted("Thị", 60, "Ngọc", 8, "Thu", 7, "Thanh", 6, "Minh", 5, "Hồng", 5, "Phương", 5, "Kim", 4),
}

var givens = map[bool]weighted{
	false: newWeighted("An", 5, "Bình", 5, "Cường", 4, "Dũng", 6, "Đạt", 4, "Đức", 5, "Giang", 3, "Hải", 5, "Hiếu", 4,
		"Hùng", 6, "Huy", 5, "Khánh", 3, "Khoa", 3, "Lâm", 3, "Long", 5, "Minh", 6, "Nam", 6, "Phong", 4, "Phúc", 4,
		"Quân", 4, "Quang", 4, "Sơn", 5, "Tài", 3, "Thắng", 4, "Thành", 5, "Tiến", 4, "Toàn", 3, "Trọng", 3, "Trung", 5,
		"Tuấn", 6, "Tùng", 4, "Việt", 3, "Vinh", 4, "Vũ", 3),
	true: newWeighted("Anh", 5, "Ánh", 3, "Bích", 3, "Chi", 4, "Dung", 4, "Duyên", 3, "Giang", 3, "Hà", 5, "Hạnh", 4,
		"Hằng", 5, "Hoa", 6, "Hồng", 4, "Huệ", 3, "Hương", 6, "Lan", 6, "Liên", 3, "Linh", 5, "Loan", 3, "Mai", 5,
		"My", 3, "Nga", 4, "Ngọc", 4, "Nhung", 4, "Oanh", 3, "Phương", 5, "Quỳnh", 4, "Thảo", 5, "Thu", 4, "Thủy", 5,
		"Trang", 5, "Tuyết", 3, "Vân", 4, "Yến", 4),
}

// Name returns a full name, family name first.
func Name(r *rand.Rand, female bool) string {
	return families.pick(r) + " " + middles[female].pick(r) + " " + givens[female].pick(r)
}
