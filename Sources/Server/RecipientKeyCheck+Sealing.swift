import Declarations
import Sealing

extension RecipientKeyCheck {
    /// A robot's `deliverTo` key is valid exactly when a token can be sealed to it. Declarations cannot know that
    /// without Sealing, so whoever loads declarations (the server, the CLI) injects this check.
    public static let sealing = RecipientKeyCheck { key in
        do {
            _ = try SealingRecipient(parsing: key.canonicalText)
            return nil
        } catch {
            return "\(error)"
        }
    }
}
