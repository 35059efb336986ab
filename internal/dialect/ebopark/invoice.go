package ebopark

func (h *Handler) invoiceOps() map[string]operation { return nil }
