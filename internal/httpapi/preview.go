package httpapi

import (
	"encoding/json"
	"net/http"

	"parkd/internal/billing"
	"parkd/internal/park"
)

type previewInput struct {
	Tariff       json.RawMessage `json:"tariff"`
	TimeZone     string          `json:"timezone"`
	Currency     string          `json:"currency"`
	Entry        string          `json:"entry"`
	Exit         string          `json:"exit"`
	VehicleClass string          `json:"vehicle_class"`
}

func (s *Server) previewTariff(w http.ResponseWriter, r *http.Request) error {
	var in previewInput
	if err := decode(r, &in); err != nil {
		return err
	}
	if len(in.Tariff) == 0 {
		// null is a free lot's tariff; a request without the field is a
		// client that forgot it, not one asking what free parking costs.
		return park.Invalid("tariff", "is required: a tariff document, or null for a lot where parking is free")
	}
	entry, err := parseTime("entry", in.Entry)
	if err != nil {
		return err
	}
	exit, err := parseTime("exit", in.Exit)
	if err != nil {
		return err
	}
	res, err := billing.PreviewTariff(billing.Preview{
		Tariff: in.Tariff, TimeZone: in.TimeZone, Currency: in.Currency, Entry: entry, Exit: exit, VehicleClass: in.VehicleClass,
	})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"amount": res.Total, "currency": res.Currency, "lines": viewLines(res.Lines),
	})
	return nil
}
