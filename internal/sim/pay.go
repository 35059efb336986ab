package sim

import (
	"context"
	"net/url"
)

// nativePayer pays through parkd's native API, as a pay station does:
// the car's stay, a quote, a cash payment of what it says.
type nativePayer struct{ api *API }

func (*nativePayer) Name() string { return "native" }

func (p *nativePayer) Setup(_ context.Context, api *API, _ []string) error {
	p.api = api
	return nil
}

func (p *nativePayer) Pay(ctx context.Context, lot, plate string) (int64, bool, error) {
	stay, ok, err := p.api.StayIn(ctx, lot, plate)
	if err != nil || !ok {
		return 0, false, err
	}
	var q struct {
		ID        string `json:"id"`
		AmountDue int64  `json:"amount_due"`
	}
	if err := p.api.Do(ctx, "POST", "/v1/stays/"+stay+"/quotes", nil, &q); err != nil {
		return 0, false, err
	}
	if q.AmountDue == 0 {
		return 0, true, nil
	}
	if err := p.api.Do(ctx, "POST", "/v1/payments", map[string]any{"quote_id": q.ID, "amount": q.AmountDue, "method": "cash"}, nil); err != nil {
		return 0, false, err
	}
	return q.AmountDue, true, nil
}

// StayIn finds the stay of the car with plate inside lot (false: none,
// as after a missed entry).
func (a *API) StayIn(ctx context.Context, lot, plate string) (string, bool, error) {
	var stays struct {
		Stays []struct {
			ID string `json:"id"`
		} `json:"stays"`
	}
	if err := a.Do(ctx, "GET", "/v1/lots/"+lot+"/stays?state=in&plate="+url.QueryEscape(plate), nil, &stays); err != nil {
		return "", false, err
	}
	if len(stays.Stays) == 0 {
		return "", false, nil
	}
	return stays.Stays[0].ID, true, nil
}
