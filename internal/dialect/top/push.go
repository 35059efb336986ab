package top

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"parkd/internal/deliveries"
	"parkd/internal/park"
)

// API methods parkd pushes to the channel, one per kind of change. The
// store vehicle-model call is the seed's; the names and fields of the
// others are parkd's choice after the seed's pattern (the family is known,
// its documents are not), kept here and in docs/rental.md.
const (
	MethodStoreModel = "alitrip.rentcar.commodity.storevehmodel.base.change.notify"
	MethodStore      = "alitrip.rentcar.commodity.store.base.change.notify"
	MethodModel      = "alitrip.rentcar.commodity.companyvehmodel.change.notify"
	MethodVehicle    = "alitrip.rentcar.commodity.storevehicle.change.notify"
	MethodStoreRule  = "alitrip.rentcar.commodity.storerule.change.notify"
)

// Reports is the delivery format of rental channels: each change of the
// catalogue as the matching TOP call, signed with the channel's secret
// and sign method; the channel (partner) id is the app key.
type Reports struct{}

// Carries: only rental changes are shaped.
func (Reports) Carries(kind string) bool { return kind == park.ReportRental }

// call is one gateway call: its method and its own parameters.
type call struct {
	method string
	params map[string]string
}

// Request builds the signed gateway call of one change, stamped with the
// attempt's time.
func (Reports) Request(ctx context.Context, a *deliveries.Attempt, gateway string) (*http.Request, error) {
	if a.Data == nil || a.Data.Rental == nil {
		return nil, errors.New("top: not a rental change")
	}
	c, err := callOf(a.Data.Rental)
	if err != nil {
		// The change itself cannot be worded: no attempt would do better.
		return nil, fmt.Errorf("%w: %w", deliveries.ErrUnshapeable, err)
	}
	form, err := signed(c, a.Partner.ID, a.Partner.Secret, a.Partner.SignMode, Timestamp(a.At))
	if err != nil {
		return nil, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, gateway, strings.NewReader(form.Encode()))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded;charset=utf-8")
	return req, nil
}

// signed adds the gateway's common parameters and the signature.
func signed(c call, appKey, secret, signMethod, timestamp string) (url.Values, error) {
	p := map[string]string{"method": c.method, "app_key": appKey, "timestamp": timestamp, "v": "2.0",
		"sign_method": signMethod, "format": "json"}
	for k, v := range c.params {
		p[k] = v
	}
	sign, err := Sign(signMethod, secret, p)
	if err != nil {
		return nil, err
	}
	form := url.Values{}
	for k, v := range p {
		form.Set(k, v)
	}
	form.Set("sign", sign)
	return form, nil
}

// Judge: a reply of the method with message_code 0, with HTTP 200. Any
// other answer of the gateway's shape is refused naming the reply wanted
// (the call's own envelope when the answer names it); the gateway's
// error_response says why in its own words, and an HTTP error by its
// status.
func (Reports) Judge(status int, body []byte) (bool, string) {
	r := parseReply(status, body)
	switch {
	case r.ok:
		return true, ""
	case status != http.StatusOK:
		if parseReply(http.StatusOK, body).ok {
			return false, fmt.Sprintf("the success reply counts only with HTTP 200, not HTTP %d", status)
		}
		return false, ""
	case r.gatewayError:
		return false, ""
	}
	return false, "reply is not {" + envelopeOf(body) + `:{"message_code":0,…}}`
}

// envelopeOf names, as JSON, the envelope a reply should have had: the
// pushed call's, when the reply's one envelope is a push's, or its
// pattern (docs/rental.md's wording).
func envelopeOf(body []byte) string {
	var env map[string]json.RawMessage
	if json.Unmarshal(body, &env) == nil && len(env) == 1 {
		for k := range env {
			if pushResponse(k) {
				return strconv.Quote(k)
			}
		}
	}
	return `"<method with _>_response"`
}

// Refused: an isv.* error is the caller's (the data is wrong): sent again
// unchanged it fails again. isp.* errors, rate limits and anything else
// are retried.
func (Reports) Refused(status int, body []byte) bool {
	r := parseReply(status, body)
	return !r.ok && !r.retry
}

// callOf words a change as its gateway call.
func callOf(ch *park.RentalChange) (call, error) {
	switch ch.Item {
	case park.RentalItemStoreModel:
		if ch.StoreModel == nil || ch.Store == nil {
			return call{}, errors.New("top: a store model change without its terms or store")
		}
		info, err := storeModelInfo(ch.Store, ch.StoreModel)
		if err != nil {
			return call{}, err
		}
		info.Deleted = deleted(ch.Deleted || ch.StoreModel.Deleted)
		body, err := json.Marshal(info)
		if err != nil {
			return call{}, err
		}
		return call{method: MethodStoreModel, params: map[string]string{"store_vehicle_model_info_list": string(body), "extra": "{}"}}, nil
	case park.RentalItemStore:
		if ch.Store == nil {
			return call{}, errors.New("top: a store change without the store")
		}
		return jsonCall(MethodStore, "store_info", storeInfo(ch.Store, ch.Deleted || ch.Store.Deleted))
	case park.RentalItemModel:
		if ch.Model == nil {
			return call{}, errors.New("top: a model change without the model")
		}
		return jsonCall(MethodModel, "company_vehicle_model_info", modelInfo(ch.Model, ch.Deleted || ch.Model.Deleted))
	case park.RentalItemVehicle:
		if ch.Vehicle == nil || ch.Store == nil {
			return call{}, errors.New("top: a vehicle change without the vehicle or its store")
		}
		return jsonCall(MethodVehicle, "store_vehicle_info", vehicleInfo(ch.Store, ch.Vehicle, ch.Deleted || ch.Vehicle.Deleted))
	case park.RentalItemStoreRule:
		if ch.Rule == nil || ch.Store == nil {
			return call{}, errors.New("top: a store rule change without the rule or its store")
		}
		return jsonCall(MethodStoreRule, "store_rule_info", storeRuleInfo(ch.Store, ch.Rule, ch.Deleted || ch.Rule.Deleted))
	}
	return call{}, fmt.Errorf("top: no call for a %s change yet", ch.Item)
}

// storeVehicleModelInfo is SyncStoreVehicleGroupBaseInfoData, field for
// field in the seed's order.
type storeVehicleModelInfo struct {
	VehicleModelCode  string            `json:"vehicle_model_code"`
	MileageLimitInfo  *mileageLimitInfo `json:"mileage_limit_info,omitempty"`
	CreditDepositInfo creditDepositInfo `json:"credit_deposit_info"`
	Deleted           int               `json:"deleted"`
	CompanyCode       string            `json:"company_code,omitempty"`
	StoreCode         string            `json:"store_code"`
}

type mileageLimitInfo struct {
	ExistMileageLimit bool   `json:"exist_mileage_limit"`
	MileageLimit      *int   `json:"mileage_limit,omitempty"`    // km per day
	OverMileageFee    *int64 `json:"over_mileage_fee,omitempty"` // whole yuan per km: a Long in the seed's SDK
}

type creditDepositInfo struct {
	IllegalAmount string `json:"illegal_amount"` // yuan, two decimals
	SupportCredit bool   `json:"support_credit"`
	DamageAmount  string `json:"damage_amount"`
}

func storeModelInfo(s *park.RentalStore, t *park.StoreModel) (storeVehicleModelInfo, error) {
	out := storeVehicleModelInfo{VehicleModelCode: t.ModelCode, CompanyCode: s.CompanyCode, StoreCode: t.StoreCode,
		CreditDepositInfo: creditDepositInfo{IllegalAmount: Yuan(t.ViolationDeposit), SupportCredit: t.CreditDeposit,
			DamageAmount: Yuan(t.DamageDeposit)}}
	m := &mileageLimitInfo{ExistMileageLimit: t.MileageLimited}
	if t.MileageLimited {
		fee, err := WholeYuan(t.OverMileageFee)
		if err != nil {
			return out, fmt.Errorf("top: over_mileage_fee of store %s model %s: %w", t.StoreCode, t.ModelCode, err)
		}
		km := t.MileageLimit
		m.MileageLimit, m.OverMileageFee = &km, &fee
	}
	out.MileageLimitInfo = m
	out.Deleted = deleted(t.Deleted)
	return out, nil
}

// Yuan words fen as yuan with two decimals ("1000.00").
func Yuan(fen int64) string {
	sign := ""
	if fen < 0 {
		sign, fen = "-", -fen
	}
	return fmt.Sprintf("%s%d.%02d", sign, fen/100, fen%100)
}

// WholeYuan words fen as whole yuan, for the seed's Number (Long)
// fields; a fraction is an error, never rounded (the core refuses one).
func WholeYuan(fen int64) (int64, error) {
	if fen%100 != 0 {
		return 0, fmt.Errorf("%s yuan is not a whole number of yuan", Yuan(fen))
	}
	return fen / 100, nil
}

// jsonCall is a call whose one parameter is an object as JSON, with extra.
func jsonCall(method, param string, v any) (call, error) {
	body, err := json.Marshal(v)
	if err != nil {
		return call{}, err
	}
	return call{method: method, params: map[string]string{param: string(body), "extra": "{}"}}, nil
}

func deleted(d bool) int {
	if d {
		return 1
	}
	return 0
}

// storeInfoData is a store as the store change call carries it (parkd's
// choice of fields: docs/rental.md).
type storeInfoData struct {
	StoreCode   string  `json:"store_code"`
	CompanyCode string  `json:"company_code,omitempty"`
	StoreName   string  `json:"store_name"`
	StoreType   int     `json:"store_type"` // 1 store, 2 pick-up point
	Address     string  `json:"address"`
	Longitude   float64 `json:"longitude"`
	Latitude    float64 `json:"latitude"`
	CityCode    string  `json:"city_code"`
	OpenTime    string  `json:"open_time"`  // HH:mm
	CloseTime   string  `json:"close_time"` // HH:mm
	Status      int     `json:"status"`     // 1 open for rentals, 0 not
	Deleted     int     `json:"deleted"`
}

func storeInfo(s *park.RentalStore, del bool) storeInfoData {
	out := storeInfoData{StoreCode: s.Code, CompanyCode: s.CompanyCode, StoreName: s.Name, StoreType: 1, Address: s.Address,
		Longitude: s.Longitude, Latitude: s.Latitude, CityCode: s.City, OpenTime: s.Opens, CloseTime: s.Closes, Deleted: deleted(del)}
	if s.Kind == park.RentalPickupKind {
		out.StoreType = 2
	}
	if s.Active {
		out.Status = 1
	}
	return out
}

// modelInfoData is a supplier model and the channel's standard model it
// maps to.
type modelInfoData struct {
	VehicleModelCode  string `json:"vehicle_model_code"`
	VehicleModelName  string `json:"vehicle_model_name"`
	StandardModelCode string `json:"standard_vehicle_model_code,omitempty"`
	Seats             int    `json:"seat_num"`
	FuelType          string `json:"fuel_type"`
	Transmission      string `json:"transmission_type"`
	Deleted           int    `json:"deleted"`
}

func modelInfo(m *park.VehicleModel, del bool) modelInfoData {
	return modelInfoData{VehicleModelCode: m.Code, VehicleModelName: m.Name, StandardModelCode: m.StandardID, Seats: m.Seats,
		FuelType: m.Fuel, Transmission: m.Transmission, Deleted: deleted(del)}
}

// vehicleInfoData is one car of a store.
type vehicleInfoData struct {
	StoreCode        string `json:"store_code"`
	CompanyCode      string `json:"company_code,omitempty"`
	VehicleModelCode string `json:"vehicle_model_code"`
	PlateNo          string `json:"plate_no"`
	VIN              string `json:"vin"`
	Mileage          int    `json:"mileage"` // km
	SupportOneWay    bool   `json:"support_one_way"`
	Deleted          int    `json:"deleted"`
}

func vehicleInfo(s *park.RentalStore, v *park.RentalVehicle, del bool) vehicleInfoData {
	return vehicleInfoData{StoreCode: v.StoreCode, CompanyCode: s.CompanyCode, VehicleModelCode: v.ModelCode, PlateNo: v.Plate,
		VIN: v.VIN, Mileage: v.Mileage, SupportOneWay: v.OneWay, Deleted: deleted(del)}
}

// storeRuleInfoData is a store's rule (parkd's choice of fields:
// docs/rental.md).
type storeRuleInfoData struct {
	StoreCode         string   `json:"store_code"`
	CompanyCode       string   `json:"company_code,omitempty"`
	AllowCrossCity    bool     `json:"allow_cross_city"`
	ForbiddenCities   []string `json:"forbidden_city_codes"` // city codes; only with allow_cross_city
	SupportInvoice    bool     `json:"support_invoice"`
	MinRentDays       int      `json:"min_rent_days"`
	MaxRentDays       int      `json:"max_rent_days"`       // 0: no limit of the store's own
	AdvanceOrderHours int      `json:"advance_order_hours"` // an order at least this long before pick-up
	FreeCancelHours   int      `json:"free_cancel_hours"`   // cancelled free until this long before pick-up
	Deleted           int      `json:"deleted"`
}

func storeRuleInfo(s *park.RentalStore, r *park.StoreRule, del bool) storeRuleInfoData {
	cities := r.BannedCities
	if cities == nil {
		cities = []string{}
	}
	return storeRuleInfoData{StoreCode: r.StoreCode, CompanyCode: s.CompanyCode, AllowCrossCity: r.CrossCity, ForbiddenCities: cities,
		SupportInvoice: r.Invoice, MinRentDays: r.MinDays, MaxRentDays: r.MaxDays, AdvanceOrderHours: r.AdvanceHours,
		FreeCancelHours: r.FreeCancelHours, Deleted: deleted(del)}
}
