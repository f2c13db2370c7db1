public enum _PlaceholderStorage {}
