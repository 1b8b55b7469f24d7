fn main() {
    shouhou::start();
}
