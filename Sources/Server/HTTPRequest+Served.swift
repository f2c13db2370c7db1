import HTTPTypes

extension HTTPRequest.Method {
    /// Every method the server routes; a route answers those it does not implement itself (405 or 404, as the
    /// endpoint's API says) rather than leaving them to the router's plain 404.
    static let served: [Self] = [.get, .head, .put, .post, .patch, .delete, .options, .trace, .connect]
}
