package main

// greeting is what Hero says on its front page. The "Develop the App"
// chapters change this line to prove that a code change reaches the cluster.
const greeting = "Hero is up and running!"
