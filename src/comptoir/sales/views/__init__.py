"""The sales pages: catalogue, quotes, orders, delivery notes, settings."""
