package web

import (
	"fmt"
	"net/http"
	"strings"
	"time"

	"parkd/internal/gate"

	"parkd/internal/operators"
	"parkd/internal/park"
)

func overviewSection() section {
	return section{key: "overview", href: Prefix, routes: []route{
		{"GET " + Prefix + "{$}", (*Console).overview},
	}}
}

// lotRow is one lot on the overview.
type lotRow struct {
	Code, Name         string
	Capacity, Occupied int
	Free               int
	Percent            int // of the capacity taken, 0 to 100
	Currency           string
	Received           park.PaymentSum
	Left               park.DaySums
	Day                string
	Chart              dayChart
}

// dayChart is a lot's last 24 hours drawn as bars (entries up, exits in
// a second colour) and a line (cars inside), in an SVG of chartW × chartH.
type dayChart struct {
	Bars   []chartBar
	Inside string // the line's points
	Max    int    // the tallest bar's count
	Peak   int    // the most cars inside
}

type chartBar struct {
	gate.HourStat
	Label                           string // the hour, lot time
	X, EntryY, EntryH, ExitY, ExitH int
}

const (
	chartW    = 240
	chartH    = 60
	chartStep = chartW / 24
)

func newDayChart(hours []gate.HourStat, loc *time.Location) dayChart {
	var c dayChart
	for _, h := range hours {
		c.Max = max(c.Max, h.Entries, h.Exits)
		c.Peak = max(c.Peak, h.InsideAtHourEnd)
	}
	scale := func(n, of int) int {
		if of == 0 {
			return 0
		}
		return n * (chartH - 2) / of
	}
	var pts []string
	for i, h := range hours {
		x := i * chartStep
		eh, xh := scale(h.Entries, c.Max), scale(h.Exits, c.Max)
		c.Bars = append(c.Bars, chartBar{HourStat: h, Label: h.Hour.In(loc).Format("15:04"), X: x,
			EntryY: chartH - eh, EntryH: eh, ExitY: chartH - xh, ExitH: xh})
		pts = append(pts, fmt.Sprintf("%d,%d", x+chartStep/2, chartH-1-scale(h.InsideAtHourEnd, c.Peak)))
	}
	c.Inside = strings.Join(pts, " ")
	return c
}

// overview lists the lots the operator may see: cars inside against the
// capacity, and what each received today (its local day). All of them
// are read at once, in one transaction.
func (w *Console) overview(rw http.ResponseWriter, r *http.Request, p *operators.Principal) error {
	lots, err := w.sys.Gate.LotsToday(r.Context(), p.MaySee)
	if err != nil {
		return err
	}
	var rows []lotRow
	for _, t := range lots {
		l, rec := t.Lot, t.Received
		occ := park.NewOccupancy(l.Capacity, l.Occupied)
		row := lotRow{Code: l.Code, Name: l.Name, Capacity: l.Capacity, Occupied: max(l.Occupied, 0), Free: occ.Free,
			Currency: l.Currency, Received: rec.Sum, Left: rec.Left, Day: rec.Day, Chart: newDayChart(t.Hours, l.Location())}
		if l.Capacity > 0 {
			row.Percent = occ.Occupied * 100 / l.Capacity
		}
		rows = append(rows, row)
	}
	w.render(rw, r, http.StatusOK, "overview", p, "overview", rows)
	return nil
}
