package app_test

import (
	"time"

	"github.com/sohoi/sohoi/internal/civil"
	"github.com/sohoi/sohoi/internal/page"
)

var pageAll = page.Request{Limit: 100_000}

func civilToday(t time.Time) civil.Date { return civil.Today(t) }
