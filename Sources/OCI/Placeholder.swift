public enum _PlaceholderOCI {}
