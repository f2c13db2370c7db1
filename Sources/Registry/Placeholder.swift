public enum _PlaceholderRegistry {}
