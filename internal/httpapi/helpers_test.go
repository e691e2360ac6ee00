package httpapi_test

import "github.com/sohoi/sohoi/internal/units"

func unitsNew(code string) units.NewUnit {
	return units.NewUnit{Level: units.Branch, Name: "Chi hội " + code, Code: code}
}
