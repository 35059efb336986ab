package web

import (
	"net/http"

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
	Day                string
}

// overview lists the lots the operator may see: cars inside against the
// capacity, and what each received today (its local day).
func (w *Console) overview(rw http.ResponseWriter, r *http.Request, p *operators.Principal) error {
	lots, err := w.sys.Gate.ListLots(r.Context())
	if err != nil {
		return err
	}
	var rows []lotRow
	for _, l := range lots {
		if !p.MaySee(l.Code) {
			continue
		}
		rec, err := w.sys.Billing.ReceivedToday(r.Context(), l.Code)
		if err != nil {
			return err
		}
		occ := park.NewOccupancy(l.Capacity, l.Occupied)
		row := lotRow{Code: l.Code, Name: l.Name, Capacity: l.Capacity, Occupied: max(l.Occupied, 0), Free: occ.Free,
			Currency: l.Currency, Received: rec.Sum, Day: rec.Day}
		if l.Capacity > 0 {
			row.Percent = occ.Occupied * 100 / l.Capacity
		}
		rows = append(rows, row)
	}
	w.render(rw, r, http.StatusOK, "overview", p, "overview", rows)
	return nil
}
