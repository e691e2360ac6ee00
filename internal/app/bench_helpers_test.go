package app_test

import "github.com/sohoi/sohoi/internal/page"

var pageAll = page.Request{Limit: 100_000}
