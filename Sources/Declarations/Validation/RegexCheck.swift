import Foundation

/// Whether a SecretRule's pattern compiles as the scanner will compile it: an NSRegularExpression (ICU syntax).
enum RegexCheck {
    /// Why `pattern` does not compile, or nil when it does.
    static func problem(_ pattern: String) -> String? {
        do {
            _ = try NSRegularExpression(pattern: pattern)
            return nil
        } catch {
            // Foundation reports only "the value is invalid" and keeps ICU's reason to itself. Swift's regex
            // parser, whose syntax is close to ICU's, usually says what is wrong; when it accepts what ICU
            // refuses, say so plainly rather than guess.
            do {
                _ = try Regex(pattern)
                return "ICU cannot compile it (\((error as NSError).localizedDescription))"
            } catch let parse {
                return "\(parse)"
            }
        }
    }
}
