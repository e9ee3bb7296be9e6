"""The 值班表: who is 值班员, 备班 and 带班领导 when (model, loading, queries, store overrides)."""
