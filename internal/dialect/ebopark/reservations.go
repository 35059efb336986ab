package ebopark

func (h *Handler) reservationOps() map[string]operation { return nil }
