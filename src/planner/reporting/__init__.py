"""What planners read: the printed summary, map layers, and the policy-paper report."""
