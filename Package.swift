// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "berth-declarations",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "Declarations", targets: ["Declarations"]),
    ],
    dependencies: [
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
    ],
    targets: [
        .target(
            name: "Declarations",
            dependencies: [.product(name: "Yams", package: "Yams")]
        ),
        .testTarget(
            name: "DeclarationsTests",
            dependencies: ["Declarations"]
        ),
    ]
)
