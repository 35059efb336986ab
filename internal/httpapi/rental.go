package httpapi

import (
	"net/http"

	"parkd/internal/park"
	"parkd/internal/rental"
)

// rentalRoutes mounts the rental catalogue and its sales channels.
func (s *Server) rentalRoutes() {
	s.admin("PUT /v1/rental/stores/{code}", s.putRentalStore)
	s.admin("GET /v1/rental/stores", s.listRentalStores)
	s.admin("GET /v1/rental/stores/{code}", s.getRentalStore)
	s.admin("DELETE /v1/rental/stores/{code}", s.deleteRentalStore)
	s.admin("PUT /v1/rental/stores/{code}/rule", s.putStoreRule)
	s.admin("GET /v1/rental/stores/{code}/rule", s.getStoreRule)
	s.admin("DELETE /v1/rental/stores/{code}/rule", s.deleteStoreRule)
	s.admin("PUT /v1/rental/models/{code}", s.putVehicleModel)
	s.admin("GET /v1/rental/models", s.listVehicleModels)
	s.admin("DELETE /v1/rental/models/{code}", s.deleteVehicleModel)
	s.admin("PUT /v1/rental/stores/{code}/models/{model}", s.putStoreModel)
	s.admin("GET /v1/rental/stores/{code}/models", s.listStoreModels)
	s.admin("PUT /v1/rental/vehicles/{plate}", s.putRentalVehicle)
	s.admin("GET /v1/rental/vehicles", s.listRentalVehicles)
	s.admin("DELETE /v1/rental/vehicles/{plate}", s.deleteRentalVehicle)
	s.admin("PUT /v1/rental/channels/{app_key}", s.putRentalChannel)
	s.admin("GET /v1/rental/channels", s.listRentalChannels)
	s.admin("GET /v1/rental/channels/{app_key}", s.getRentalChannel)
	s.rentalOrderRoutes()
}

type rentalStoreInput struct {
	CompanyCode string  `json:"company_code"`
	Kind        string  `json:"kind"`
	Name        string  `json:"name"`
	Address     string  `json:"address"`
	Latitude    float64 `json:"latitude"`
	Longitude   float64 `json:"longitude"`
	City        string  `json:"city"`
	Opens       string  `json:"opens"`
	Closes      string  `json:"closes"`
	Active      *bool   `json:"active"`
	LotCode     string  `json:"lot_code"`
}

type rentalStoreView struct {
	Code        string  `json:"code"`
	CompanyCode string  `json:"company_code"`
	Kind        string  `json:"kind"`
	Name        string  `json:"name"`
	Address     string  `json:"address"`
	Latitude    float64 `json:"latitude"`
	Longitude   float64 `json:"longitude"`
	City        string  `json:"city"`
	Opens       string  `json:"opens"`
	Closes      string  `json:"closes"`
	Active      bool    `json:"active"`
	LotCode     string  `json:"lot_code"`
	Deleted     bool    `json:"deleted"`
	UpdatedAt   string  `json:"updated_at"`
}

func viewRentalStore(st *park.RentalStore) rentalStoreView {
	return rentalStoreView{Code: st.Code, CompanyCode: st.CompanyCode, Kind: st.Kind, Name: st.Name, Address: st.Address,
		Latitude: st.Latitude, Longitude: st.Longitude, City: st.City, Opens: st.Opens, Closes: st.Closes, Active: st.Active,
		LotCode: st.LotCode, Deleted: st.Deleted, UpdatedAt: fmtTime(st.UpdatedAt)}
}

func (s *Server) putRentalStore(w http.ResponseWriter, r *http.Request) error {
	var in rentalStoreInput
	if err := decode(r, &in); err != nil {
		return err
	}
	st, err := s.svc.Rental.PutStore(r.Context(), park.RentalStore{Code: r.PathValue("code"), CompanyCode: in.CompanyCode,
		Kind: in.Kind, Name: in.Name, Address: in.Address, Latitude: in.Latitude, Longitude: in.Longitude, City: in.City,
		Opens: in.Opens, Closes: in.Closes, Active: in.Active == nil || *in.Active, LotCode: in.LotCode})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, viewRentalStore(st))
	return nil
}

func (s *Server) getRentalStore(w http.ResponseWriter, r *http.Request) error {
	st, err := s.svc.Rental.GetStore(r.Context(), r.PathValue("code"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, viewRentalStore(st))
	return nil
}

func (s *Server) listRentalStores(w http.ResponseWriter, r *http.Request) error {
	sts, err := s.svc.Rental.ListStores(r.Context())
	if err != nil {
		return err
	}
	out := make([]rentalStoreView, len(sts))
	for i, st := range sts {
		out[i] = viewRentalStore(st)
	}
	writeJSON(w, http.StatusOK, map[string]any{"stores": out})
	return nil
}

type vehicleModelInput struct {
	Name         string `json:"name"`
	Seats        int    `json:"seats"`
	Fuel         string `json:"fuel"`
	Transmission string `json:"transmission"`
	StandardID   string `json:"standard_id"`
}

type vehicleModelView struct {
	Code         string `json:"code"`
	Name         string `json:"name"`
	Seats        int    `json:"seats"`
	Fuel         string `json:"fuel"`
	Transmission string `json:"transmission"`
	StandardID   string `json:"standard_id"`
	Deleted      bool   `json:"deleted"`
	UpdatedAt    string `json:"updated_at"`
}

func viewVehicleModel(m *park.VehicleModel) vehicleModelView {
	return vehicleModelView{Code: m.Code, Name: m.Name, Seats: m.Seats, Fuel: m.Fuel, Transmission: m.Transmission,
		StandardID: m.StandardID, Deleted: m.Deleted, UpdatedAt: fmtTime(m.UpdatedAt)}
}

func (s *Server) putVehicleModel(w http.ResponseWriter, r *http.Request) error {
	var in vehicleModelInput
	if err := decode(r, &in); err != nil {
		return err
	}
	m, err := s.svc.Rental.PutModel(r.Context(), park.VehicleModel{Code: r.PathValue("code"), Name: in.Name, Seats: in.Seats,
		Fuel: in.Fuel, Transmission: in.Transmission, StandardID: in.StandardID})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, viewVehicleModel(m))
	return nil
}

func (s *Server) listVehicleModels(w http.ResponseWriter, r *http.Request) error {
	ms, err := s.svc.Rental.ListModels(r.Context())
	if err != nil {
		return err
	}
	out := make([]vehicleModelView, len(ms))
	for i, m := range ms {
		out[i] = viewVehicleModel(m)
	}
	writeJSON(w, http.StatusOK, map[string]any{"models": out})
	return nil
}

type storeModelInput struct {
	MileageLimited   bool  `json:"mileage_limited"`
	MileageLimit     int   `json:"mileage_limit_km"`
	OverMileageFee   int64 `json:"over_mileage_fee"`
	CreditDeposit    bool  `json:"credit_deposit"`
	ViolationDeposit int64 `json:"violation_deposit"`
	DamageDeposit    int64 `json:"damage_deposit"`
	DailyRate        int64 `json:"daily_rate"`
	Deleted          bool  `json:"deleted"`
}

type storeModelView struct {
	StoreCode        string `json:"store_code"`
	ModelCode        string `json:"model_code"`
	MileageLimited   bool   `json:"mileage_limited"`
	MileageLimit     int    `json:"mileage_limit_km"`
	OverMileageFee   int64  `json:"over_mileage_fee"`
	CreditDeposit    bool   `json:"credit_deposit"`
	ViolationDeposit int64  `json:"violation_deposit"`
	DamageDeposit    int64  `json:"damage_deposit"`
	DailyRate        int64  `json:"daily_rate"`
	Currency         string `json:"currency"` // ISO 4217: every rental store's lot is in park.RentalCurrency
	Deleted          bool   `json:"deleted"`
	UpdatedAt        string `json:"updated_at"`
}

func viewStoreModel(t *park.StoreModel) storeModelView {
	return storeModelView{StoreCode: t.StoreCode, ModelCode: t.ModelCode, MileageLimited: t.MileageLimited,
		MileageLimit: t.MileageLimit, OverMileageFee: t.OverMileageFee, CreditDeposit: t.CreditDeposit,
		ViolationDeposit: t.ViolationDeposit, DamageDeposit: t.DamageDeposit, DailyRate: t.DailyRate, Currency: park.RentalCurrency, Deleted: t.Deleted,
		UpdatedAt: fmtTime(t.UpdatedAt)}
}

func (s *Server) putStoreModel(w http.ResponseWriter, r *http.Request) error {
	var in storeModelInput
	if err := decode(r, &in); err != nil {
		return err
	}
	t, err := s.svc.Rental.PutStoreModel(r.Context(), park.StoreModel{StoreCode: r.PathValue("code"), ModelCode: r.PathValue("model"),
		MileageLimited: in.MileageLimited, MileageLimit: in.MileageLimit, OverMileageFee: in.OverMileageFee,
		CreditDeposit: in.CreditDeposit, ViolationDeposit: in.ViolationDeposit, DamageDeposit: in.DamageDeposit,
		DailyRate: in.DailyRate, Deleted: in.Deleted})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, viewStoreModel(t))
	return nil
}

func (s *Server) listStoreModels(w http.ResponseWriter, r *http.Request) error {
	ts, err := s.svc.Rental.ListStoreModels(r.Context(), r.PathValue("code"))
	if err != nil {
		return err
	}
	out := make([]storeModelView, len(ts))
	for i, t := range ts {
		out[i] = viewStoreModel(t)
	}
	writeJSON(w, http.StatusOK, map[string]any{"models": out})
	return nil
}

type rentalVehicleInput struct {
	VIN       string `json:"vin"`
	StoreCode string `json:"store_code"`
	ModelCode string `json:"model_code"`
	Mileage   int    `json:"mileage_km"`
	OneWay    bool   `json:"one_way"`
}

type rentalVehicleView struct {
	Plate     string `json:"plate"`
	VIN       string `json:"vin"`
	StoreCode string `json:"store_code"`
	ModelCode string `json:"model_code"`
	Mileage   int    `json:"mileage_km"`
	OneWay    bool   `json:"one_way"`
	Deleted   bool   `json:"deleted"`
	UpdatedAt string `json:"updated_at"`
}

func viewRentalVehicle(v *park.RentalVehicle) rentalVehicleView {
	return rentalVehicleView{Plate: v.Plate, VIN: v.VIN, StoreCode: v.StoreCode, ModelCode: v.ModelCode, Mileage: v.Mileage,
		OneWay: v.OneWay, Deleted: v.Deleted, UpdatedAt: fmtTime(v.UpdatedAt)}
}

func (s *Server) putRentalVehicle(w http.ResponseWriter, r *http.Request) error {
	var in rentalVehicleInput
	if err := decode(r, &in); err != nil {
		return err
	}
	v, err := s.svc.Rental.PutVehicle(r.Context(), rental.VehicleInput{Plate: r.PathValue("plate"), VIN: in.VIN,
		StoreCode: in.StoreCode, ModelCode: in.ModelCode, Mileage: in.Mileage, OneWay: in.OneWay})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, viewRentalVehicle(v))
	return nil
}

func (s *Server) listRentalVehicles(w http.ResponseWriter, r *http.Request) error {
	vs, err := s.svc.Rental.ListVehicles(r.Context(), r.URL.Query().Get("store"))
	if err != nil {
		return err
	}
	out := make([]rentalVehicleView, len(vs))
	for i, v := range vs {
		out[i] = viewRentalVehicle(v)
	}
	writeJSON(w, http.StatusOK, map[string]any{"vehicles": out})
	return nil
}

type rentalChannelInput struct {
	Name       string   `json:"name"`
	Secret     string   `json:"secret"`
	SignMethod string   `json:"sign_method"`
	GatewayURL string   `json:"gateway_url"`
	Stores     []string `json:"stores"`
	RateLimit  int      `json:"rate_limit"`
}

// rentalChannelView never shows the secret.
type rentalChannelView struct {
	AppKey     string   `json:"app_key"`
	Name       string   `json:"name"`
	Dialect    string   `json:"dialect"`
	SignMethod string   `json:"sign_method"`
	GatewayURL string   `json:"gateway_url"`
	Stores     []string `json:"stores"`
	RateLimit  int      `json:"rate_limit"`
	CreatedAt  string   `json:"created_at"`
	UpdatedAt  string   `json:"updated_at"`
}

func viewRentalChannel(c *park.RentalChannel) rentalChannelView {
	return rentalChannelView{AppKey: c.ID, Name: c.Name, Dialect: c.Dialect, SignMethod: c.SignMethod, GatewayURL: c.GatewayURL,
		Stores: c.Stores, RateLimit: c.RateLimit, CreatedAt: fmtTime(c.CreatedAt), UpdatedAt: fmtTime(c.UpdatedAt)}
}

func (s *Server) putRentalChannel(w http.ResponseWriter, r *http.Request) error {
	var in rentalChannelInput
	if err := decode(r, &in); err != nil {
		return err
	}
	c, err := s.svc.Rental.PutChannel(r.Context(), rental.ChannelInput{AppKey: r.PathValue("app_key"), Name: in.Name,
		Secret: in.Secret, SignMethod: in.SignMethod, GatewayURL: in.GatewayURL, Stores: in.Stores, RateLimit: in.RateLimit})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, viewRentalChannel(c))
	return nil
}

func (s *Server) getRentalChannel(w http.ResponseWriter, r *http.Request) error {
	c, err := s.svc.Rental.GetChannel(r.Context(), r.PathValue("app_key"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, viewRentalChannel(c))
	return nil
}

func (s *Server) listRentalChannels(w http.ResponseWriter, r *http.Request) error {
	cs, err := s.svc.Rental.ListChannels(r.Context())
	if err != nil {
		return err
	}
	out := make([]rentalChannelView, len(cs))
	for i, c := range cs {
		out[i] = viewRentalChannel(c)
	}
	writeJSON(w, http.StatusOK, map[string]any{"channels": out})
	return nil
}

func (s *Server) rentalOrderRoutes() {
	s.admin("POST /v1/rental/orders", s.submitRentalOrder)
	s.admin("GET /v1/rental/orders/{id}", s.getRentalOrder)
	s.admin("POST /v1/rental/orders/{id}/cancel", s.cancelRentalOrder)
	s.admin("POST /v1/rental/orders/{id}/mileage", s.settleRentalOrder)
}

type rentalOrderInput struct {
	StoreCode string `json:"store_code"`
	ModelCode string `json:"model_code"`
	PickupAt  string `json:"pickup_at"`
	ReturnAt  string `json:"return_at"`
}

type rentalOrderView struct {
	ID             string  `json:"id"`
	ChannelID      string  `json:"channel_id"`
	ChannelOrderID string  `json:"channel_order_id"`
	StoreCode      string  `json:"store_code"`
	ModelCode      string  `json:"model_code"`
	Plate          string  `json:"plate"`
	PickupAt       string  `json:"pickup_at"`
	ReturnAt       string  `json:"return_at"`
	Days           int     `json:"days"`
	Rent           int64   `json:"rent"`
	Status         string  `json:"status"`
	MileageOut     int     `json:"mileage_out_km"`
	MileageIn      int     `json:"mileage_in_km"`
	OverMileageFee int64   `json:"over_mileage_fee"`
	Currency       string  `json:"currency"` // ISO 4217: every rental store's lot is in park.RentalCurrency
	PickedUpAt     *string `json:"picked_up_at"`
	ReturnedAt     *string `json:"returned_at"`
	ReturnLot      string  `json:"return_lot"`
	CreatedAt      string  `json:"created_at"`
	UpdatedAt      string  `json:"updated_at"`
}

func viewRentalOrder(o *park.RentalOrder) rentalOrderView {
	return rentalOrderView{ID: o.ID, ChannelID: o.ChannelID, ChannelOrderID: o.ChannelOrderID, StoreCode: o.StoreCode,
		ModelCode: o.ModelCode, Plate: o.Plate, PickupAt: fmtTime(o.PickupAt), ReturnAt: fmtTime(o.ReturnAt), Days: o.Days,
		Rent: o.Rent, Status: o.Status, MileageOut: o.MileageOut, MileageIn: o.MileageIn, OverMileageFee: o.OverMileageFee,
		Currency:   park.RentalCurrency,
		PickedUpAt: fmtTimePtr(o.PickedUpAt), ReturnedAt: fmtTimePtr(o.ReturnedAt), ReturnLot: o.ReturnLot,
		CreatedAt: fmtTime(o.CreatedAt), UpdatedAt: fmtTime(o.UpdatedAt)}
}

func (s *Server) submitRentalOrder(w http.ResponseWriter, r *http.Request) error {
	var in rentalOrderInput
	if err := decode(r, &in); err != nil {
		return err
	}
	pickup, err := parseTime("pickup_at", in.PickupAt)
	if err != nil {
		return err
	}
	ret, err := parseTime("return_at", in.ReturnAt)
	if err != nil {
		return err
	}
	o, err := s.svc.Rental.SubmitOrder(r.Context(), rental.OrderRequest{StoreCode: in.StoreCode, ModelCode: in.ModelCode,
		PickupAt: pickup, ReturnAt: ret})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, viewRentalOrder(o))
	return nil
}

func (s *Server) getRentalOrder(w http.ResponseWriter, r *http.Request) error {
	o, err := s.svc.Rental.GetOrder(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, viewRentalOrder(o))
	return nil
}

func (s *Server) cancelRentalOrder(w http.ResponseWriter, r *http.Request) error {
	o, err := s.svc.Rental.CancelOrder(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, viewRentalOrder(o))
	return nil
}

type mileageInput struct {
	Mileage *int `json:"mileage_km"`
}

func (s *Server) settleRentalOrder(w http.ResponseWriter, r *http.Request) error {
	var in mileageInput
	if err := decode(r, &in); err != nil {
		return err
	}
	if in.Mileage == nil {
		return park.Invalid("mileage_km", "is required: the car's odometer at return, in km")
	}
	o, err := s.svc.Rental.SettleOrder(r.Context(), r.PathValue("id"), *in.Mileage)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, viewRentalOrder(o))
	return nil
}

func (s *Server) deleteRentalVehicle(w http.ResponseWriter, r *http.Request) error {
	if err := s.svc.Rental.DeleteVehicle(r.Context(), r.PathValue("plate")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) deleteRentalStore(w http.ResponseWriter, r *http.Request) error {
	if err := s.svc.Rental.DeleteStore(r.Context(), r.PathValue("code")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) deleteVehicleModel(w http.ResponseWriter, r *http.Request) error {
	if err := s.svc.Rental.DeleteModel(r.Context(), r.PathValue("code")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

type storeRuleInput struct {
	CrossCity       bool     `json:"cross_city"`
	BannedCities    []string `json:"banned_cities"`
	Invoice         bool     `json:"invoice"`
	MinDays         *int     `json:"min_days"`
	MaxDays         int      `json:"max_days"`
	AdvanceHours    int      `json:"advance_hours"`
	FreeCancelHours int      `json:"free_cancel_hours"`
}

type storeRuleView struct {
	StoreCode       string   `json:"store_code"`
	CrossCity       bool     `json:"cross_city"`
	BannedCities    []string `json:"banned_cities"`
	Invoice         bool     `json:"invoice"`
	MinDays         int      `json:"min_days"`
	MaxDays         int      `json:"max_days"`
	AdvanceHours    int      `json:"advance_hours"`
	FreeCancelHours int      `json:"free_cancel_hours"`
	Deleted         bool     `json:"deleted"`
	UpdatedAt       string   `json:"updated_at"`
}

func viewStoreRule(r *park.StoreRule) storeRuleView {
	cities := r.BannedCities
	if cities == nil {
		cities = []string{}
	}
	return storeRuleView{StoreCode: r.StoreCode, CrossCity: r.CrossCity, BannedCities: cities, Invoice: r.Invoice, MinDays: r.MinDays,
		MaxDays: r.MaxDays, AdvanceHours: r.AdvanceHours, FreeCancelHours: r.FreeCancelHours, Deleted: r.Deleted,
		UpdatedAt: fmtTime(r.UpdatedAt)}
}

// putStoreRule: min_days defaults to 1 (a rule need not say it).
func (s *Server) putStoreRule(w http.ResponseWriter, r *http.Request) error {
	var in storeRuleInput
	if err := decode(r, &in); err != nil {
		return err
	}
	minDays := 1
	if in.MinDays != nil {
		minDays = *in.MinDays
	}
	rule, err := s.svc.Rental.PutStoreRule(r.Context(), park.StoreRule{StoreCode: r.PathValue("code"), CrossCity: in.CrossCity,
		BannedCities: in.BannedCities, Invoice: in.Invoice, MinDays: minDays, MaxDays: in.MaxDays, AdvanceHours: in.AdvanceHours,
		FreeCancelHours: in.FreeCancelHours})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, viewStoreRule(rule))
	return nil
}

func (s *Server) getStoreRule(w http.ResponseWriter, r *http.Request) error {
	rule, err := s.svc.Rental.GetStoreRule(r.Context(), r.PathValue("code"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, viewStoreRule(rule))
	return nil
}

func (s *Server) deleteStoreRule(w http.ResponseWriter, r *http.Request) error {
	if err := s.svc.Rental.DeleteStoreRule(r.Context(), r.PathValue("code")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
