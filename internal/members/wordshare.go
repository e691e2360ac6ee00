package members

// wordShares is the share of Vietnamese full names containing a word, for
// the commonest words of names (family names, the middle names văn and
// thị, the commonest given names): national figures rounded, the first
// three as measured on real rolls (issue 15 context). They only rank the
// pairs of a long search (PlanSearch); a wrong figure costs speed, never a
// wrong answer.
var wordShares = map[string]float64{
	"nguyen": 0.387, "thi": 0.33, "van": 0.22, "tran": 0.11, "le": 0.095,
	"pham": 0.071, "hoang": 0.051, "huynh": 0.05, "phan": 0.045, "vu": 0.039,
	"vo": 0.039, "dang": 0.021, "bui": 0.02, "do": 0.014, "ho": 0.013,
	"ngo": 0.013, "duong": 0.01, "ly": 0.005, "duc": 0.04, "minh": 0.05,
	"anh": 0.05, "ngoc": 0.04, "thanh": 0.05, "huu": 0.03, "quang": 0.02,
	"hong": 0.03, "xuan": 0.02, "kim": 0.02, "thu": 0.03, "hoa": 0.02,
	"hai": 0.02, "hung": 0.02, "tuan": 0.02, "lan": 0.015, "linh": 0.02,
	"trung": 0.02, "cong": 0.02, "dinh": 0.02, "manh": 0.015, "thuy": 0.02,
}

// rareShare is the share assumed for a word not in wordShares.
const rareShare = 0.005

func wordShare(w string) float64 {
	if s, ok := wordShares[w]; ok {
		return s
	}
	return rareShare
}
